package io.github.sshtunnel.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import io.github.sshtunnel.core.ForwardSettings;

/**
 * Configuration properties of the SSH tunnel.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@ConfigurationProperties("ssh.tunnel")
public class SshTunnelProperties {

	/**
	 * Whether to open the auto-configured SSH tunnel (bean sshTunnel). Nothing happens
	 * unless ssh.tunnel.host is also set; tunnels defined as beans are not affected.
	 */
	private boolean enabled = true;

	/**
	 * SSH server host.
	 */
	private String host;

	/**
	 * Location of an OpenSSH client configuration file read for the host as ssh reads it,
	 * such as file:${user.home}/.ssh/config; host may then be a Host alias. Properties
	 * set explicitly win over the file, the file wins over the defaults. No file is read
	 * when unset.
	 */
	private String sshConfig;

	/**
	 * SSH server port.
	 */
	private int port = 22;

	/**
	 * Login name on the SSH server. Defaults to the 'user.name' system property.
	 */
	private String username = System.getProperty("user.name");

	/**
	 * Password for password authentication.
	 */
	private String password;

	/**
	 * Private key for public key authentication: a resource location (file:, classpath:,
	 * or a plain file path) or the PEM text itself. OpenSSH, PKCS#8 and PEM formats;
	 * ed25519, ECDSA and RSA keys.
	 */
	private String privateKey;

	/**
	 * Passphrase of an encrypted private key.
	 */
	private String privateKeyPassphrase;

	/**
	 * Path of an ssh-agent socket, or 'SSH_AUTH_SOCK' to take it from that environment
	 * variable, whose keys are offered after the private key (no agent when unset).
	 */
	private String identityAgent;

	/**
	 * OpenSSH user certificate (*-cert.pub) used with the private key, or with the
	 * matching key of the agent when no private key is set: a resource location (file:,
	 * classpath:, or a plain file path) or the certificate line itself. Checked before
	 * connecting (user certificate, same key, valid now, principals include the user
	 * name). When unset, '<private key file>-cert.pub' is used if present.
	 */
	private String certificate;

	/**
	 * Jump hosts in OpenSSH's ProxyJump syntax, '[user@]host[:port][,...]', the first
	 * contacted first; IPv6 addresses in brackets ('[::1]:2222'). Each hop logs in with
	 * the tunnel's credentials. Not together with ssh.tunnel.jump-hosts.
	 */
	private String proxyJump;

	/**
	 * Jump hosts with settings of their own, the first contacted first. Not together with
	 * ssh.tunnel.proxy-jump.
	 */
	private final List<JumpHostProperties> jumpHosts = new ArrayList<>();

	/**
	 * Location of the known_hosts file that holds the server's host key (plain, hashed
	 * and [host]:port entries). Defaults to file:${user.home}/.ssh/known_hosts.
	 */
	private String knownHosts;

	/**
	 * Pinned host key of the SSH server: a 'SHA256:...' fingerprint or a public key line
	 * such as 'ssh-ed25519 AAAA...'. When set, known_hosts is not used.
	 */
	private String hostKey;

	/**
	 * How to check the SSH server's host key: 'yes' (it must be known), 'accept-new'
	 * (trust on first use and append it to known-hosts, refuse a changed key) or 'no'
	 * (accept any key, open to man-in-the-middle attacks).
	 */
	private String strictHostKeyChecking = "yes";

	/**
	 * Bound on TCP connect, key exchange and authentication, and on the SSH server's
	 * answer to each channel open (every forwarded or socket-mode connection).
	 */
	private Duration connectTimeout = Duration.ofSeconds(10);

	/**
	 * Whether start-up fails when the SSH tunnel cannot be opened. When false the
	 * application starts anyway, the local ports are bound, and the tunnel keeps trying
	 * in the background.
	 */
	private boolean failFast = true;

	/**
	 * Local port forwards, by name.
	 */
	private final Map<String, Forward> forwards = new LinkedHashMap<>();

	private final Keepalive keepalive = new Keepalive();

	private final Reconnect reconnect = new Reconnect();

	/**
	 * Routing of the auto-configured DataSource through the tunnel.
	 */
	@NestedConfigurationProperty
	private final SshTunnelDataSourceProperties datasource = new SshTunnelDataSourceProperties();

	/**
	 * Routing of the auto-configured R2DBC ConnectionFactory through the tunnel.
	 */
	@NestedConfigurationProperty
	private final SshTunnelR2dbcProperties r2dbc = new SshTunnelR2dbcProperties();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
	}

	public String getSshConfig() {
		return this.sshConfig;
	}

	public void setSshConfig(String sshConfig) {
		this.sshConfig = sshConfig;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public String getUsername() {
		return this.username;
	}

	public void setUsername(String username) {
		this.username = username;
	}

	public String getPassword() {
		return this.password;
	}

	public void setPassword(String password) {
		this.password = password;
	}

	public String getPrivateKey() {
		return this.privateKey;
	}

	public void setPrivateKey(String privateKey) {
		this.privateKey = privateKey;
	}

	public String getPrivateKeyPassphrase() {
		return this.privateKeyPassphrase;
	}

	public void setPrivateKeyPassphrase(String privateKeyPassphrase) {
		this.privateKeyPassphrase = privateKeyPassphrase;
	}

	public String getKnownHosts() {
		return this.knownHosts;
	}

	public void setKnownHosts(String knownHosts) {
		this.knownHosts = knownHosts;
	}

	public String getIdentityAgent() {
		return this.identityAgent;
	}

	public void setIdentityAgent(String identityAgent) {
		this.identityAgent = identityAgent;
	}

	public String getCertificate() {
		return this.certificate;
	}

	public void setCertificate(String certificate) {
		this.certificate = certificate;
	}

	public String getHostKey() {
		return this.hostKey;
	}

	public void setHostKey(String hostKey) {
		this.hostKey = hostKey;
	}

	public String getStrictHostKeyChecking() {
		return this.strictHostKeyChecking;
	}

	public void setStrictHostKeyChecking(String strictHostKeyChecking) {
		this.strictHostKeyChecking = strictHostKeyChecking;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public String getProxyJump() {
		return this.proxyJump;
	}

	public void setProxyJump(String proxyJump) {
		this.proxyJump = proxyJump;
	}

	public List<JumpHostProperties> getJumpHosts() {
		return this.jumpHosts;
	}

	public Map<String, Forward> getForwards() {
		return this.forwards;
	}

	public Keepalive getKeepalive() {
		return this.keepalive;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public SshTunnelDataSourceProperties getDatasource() {
		return this.datasource;
	}

	public SshTunnelR2dbcProperties getR2dbc() {
		return this.r2dbc;
	}

	/**
	 * One local port forward, as in 'ssh -L local-port:remote-host:remote-port'.
	 */
	public static class Forward {

		/**
		 * Local bind address. Keep it on loopback unless other hosts must use the tunnel.
		 */
		private String localHost = ForwardSettings.DEFAULT_LOCAL_HOST;

		/**
		 * Local port. 0 picks a free port, published as
		 * local.ssh.tunnel.forwards.NAME.port.
		 */
		private int localPort = 0;

		/**
		 * Target host as seen from the SSH server.
		 */
		private String remoteHost = ForwardSettings.DEFAULT_REMOTE_HOST;

		/**
		 * Target port on the remote host. Required.
		 */
		private Integer remotePort;

		public String getLocalHost() {
			return this.localHost;
		}

		public void setLocalHost(String localHost) {
			this.localHost = localHost;
		}

		public int getLocalPort() {
			return this.localPort;
		}

		public void setLocalPort(int localPort) {
			this.localPort = localPort;
		}

		public String getRemoteHost() {
			return this.remoteHost;
		}

		public void setRemoteHost(String remoteHost) {
			this.remoteHost = remoteHost;
		}

		public Integer getRemotePort() {
			return this.remotePort;
		}

		public void setRemotePort(Integer remotePort) {
			this.remotePort = remotePort;
		}

	}

	/**
	 * Keepalive of the SSH session.
	 */
	public static class Keepalive {

		/**
		 * Interval of keepalive@openssh.com requests. 0 turns keepalive off.
		 */
		private Duration interval = Duration.ofSeconds(15);

		/**
		 * Unanswered keepalive requests after which the session is declared dead.
		 */
		private int countMax = 3;

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getCountMax() {
			return this.countMax;
		}

		public void setCountMax(int countMax) {
			this.countMax = countMax;
		}

	}

	/**
	 * Automatic reconnection after the SSH session is lost.
	 */
	public static class Reconnect {

		/**
		 * Whether a lost SSH session is re-established, on the same local ports.
		 */
		private boolean enabled = true;

		/**
		 * First back-off delay.
		 */
		private Duration initialDelay = Duration.ofSeconds(1);

		/**
		 * Back-off cap; delays double up to it, with jitter.
		 */
		private Duration maxDelay = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

	}

}

package io.github.sshtunnel.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable settings of one {@link SshTunnel}: the SSH server, how to log in, how to
 * check its host key, the forwards, and the keepalive and reconnect policy. Build with
 * {@link #builder(String)}. {@link #toString()} never shows a secret.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TunnelSettings {

	private final String host;

	private final int port;

	private final String username;

	private final String password;

	private final PrivateKeySource privateKey;

	private final String privateKeyPassphrase;

	private final String identityAgent;

	private final CertificateSource certificate;

	private final Path knownHosts;

	private final String hostKey;

	private final HostKeyChecking hostKeyChecking;

	private final Duration connectTimeout;

	private final List<ForwardSettings> forwards;

	private final Duration keepaliveInterval;

	private final int keepaliveCountMax;

	private final boolean reconnectEnabled;

	private final Duration reconnectInitialDelay;

	private final Duration reconnectMaxDelay;

	private final boolean failFast;

	private final List<JumpHost> jumpHosts;

	private TunnelSettings(Builder builder) {
		this.host = builder.host;
		this.port = builder.port;
		this.username = builder.username;
		this.password = builder.password;
		this.privateKey = builder.privateKey;
		this.privateKeyPassphrase = builder.privateKeyPassphrase;
		this.identityAgent = builder.identityAgent;
		this.certificate = builder.certificate;
		this.knownHosts = builder.knownHosts;
		this.hostKey = builder.hostKey;
		this.hostKeyChecking = builder.hostKeyChecking;
		this.connectTimeout = builder.connectTimeout;
		this.forwards = List.copyOf(builder.forwards);
		this.keepaliveInterval = builder.keepaliveInterval;
		this.keepaliveCountMax = builder.keepaliveCountMax;
		this.reconnectEnabled = builder.reconnectEnabled;
		this.reconnectInitialDelay = builder.reconnectInitialDelay;
		this.reconnectMaxDelay = builder.reconnectMaxDelay;
		this.failFast = builder.failFast;
		this.jumpHosts = List.copyOf(builder.jumpHosts);
	}

	/**
	 * Start building settings for a tunnel to the given SSH server.
	 * @param host the SSH server host
	 * @return a builder
	 */
	public static Builder builder(String host) {
		return new Builder(host);
	}

	public String getHost() {
		return this.host;
	}

	public int getPort() {
		return this.port;
	}

	public String getUsername() {
		return this.username;
	}

	public String getPassword() {
		return this.password;
	}

	public PrivateKeySource getPrivateKey() {
		return this.privateKey;
	}

	public String getPrivateKeyPassphrase() {
		return this.privateKeyPassphrase;
	}

	/**
	 * Return the ssh-agent whose keys are offered after the private key: a socket path,
	 * or {@code SSH_AUTH_SOCK} for the socket in that environment variable.
	 * @return the agent, or {@code null} when no agent is used
	 */
	public String getIdentityAgent() {
		return this.identityAgent;
	}

	/**
	 * Return the OpenSSH user certificate used with the private key, or with the matching
	 * key of the agent when no private key is set. Without one, a
	 * {@code <private key file>-cert.pub} next to a key file is used when present.
	 * @return the certificate, or {@code null} when none is configured
	 */
	public CertificateSource getCertificate() {
		return this.certificate;
	}

	public Path getKnownHosts() {
		return this.knownHosts;
	}

	public String getHostKey() {
		return this.hostKey;
	}

	public HostKeyChecking getHostKeyChecking() {
		return this.hostKeyChecking;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public List<ForwardSettings> getForwards() {
		return this.forwards;
	}

	public Duration getKeepaliveInterval() {
		return this.keepaliveInterval;
	}

	public int getKeepaliveCountMax() {
		return this.keepaliveCountMax;
	}

	public boolean isReconnectEnabled() {
		return this.reconnectEnabled;
	}

	public Duration getReconnectInitialDelay() {
		return this.reconnectInitialDelay;
	}

	public Duration getReconnectMaxDelay() {
		return this.reconnectMaxDelay;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	/**
	 * Return the jump hosts on the way to the SSH server, in OpenSSH's order: the first
	 * is contacted first.
	 * @return the jump hosts, empty for a direct connection
	 */
	public List<JumpHost> getJumpHosts() {
		return this.jumpHosts;
	}

	/**
	 * Return the SSH server as OpenSSH names it in known_hosts and messages: {@code host}
	 * on port 22, {@code [host]:port} otherwise.
	 * @return the display name of the server
	 */
	public String getServerDisplayName() {
		return (this.port == 22) ? this.host : "[" + this.host + "]:" + this.port;
	}

	@Override
	public String toString() {
		return "TunnelSettings[" + this.username + "@" + this.host + ":" + this.port + ", password="
				+ ((this.password != null) ? "******" : "none") + ", privateKey="
				+ ((this.privateKey != null) ? this.privateKey.description() : "none")
				+ ((this.identityAgent != null) ? ", identityAgent=" + this.identityAgent : "")
				+ ((this.certificate != null) ? ", certificate=" + this.certificate.description() : "")
				+ ", hostKeyChecking=" + this.hostKeyChecking
				+ ((this.jumpHosts.isEmpty()) ? "" : ", jumpHosts=" + this.jumpHosts) + ", forwards=" + this.forwards
				+ "]";
	}

	/**
	 * Builder of {@link TunnelSettings}. {@link #build()} validates every value and names
	 * the {@code ssh.tunnel.*} property to fix.
	 */
	public static final class Builder {

		private final String host;

		private int port = 22;

		private String username = System.getProperty("user.name");

		private String password;

		private PrivateKeySource privateKey;

		private String privateKeyPassphrase;

		private String identityAgent;

		private CertificateSource certificate;

		private Path knownHosts = Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");

		private String hostKey;

		private HostKeyChecking hostKeyChecking = HostKeyChecking.YES;

		private Duration connectTimeout = Duration.ofSeconds(10);

		private final List<ForwardSettings> forwards = new ArrayList<>();

		private Duration keepaliveInterval = Duration.ofSeconds(15);

		private int keepaliveCountMax = 3;

		private boolean reconnectEnabled = true;

		private Duration reconnectInitialDelay = Duration.ofSeconds(1);

		private Duration reconnectMaxDelay = Duration.ofSeconds(30);

		private boolean failFast = true;

		private final List<JumpHost> jumpHosts = new ArrayList<>();

		private Builder(String host) {
			this.host = host;
		}

		public Builder port(int port) {
			this.port = port;
			return this;
		}

		public Builder username(String username) {
			this.username = username;
			return this;
		}

		public Builder password(String password) {
			this.password = password;
			return this;
		}

		public Builder privateKey(PrivateKeySource privateKey) {
			this.privateKey = privateKey;
			return this;
		}

		public Builder privateKeyPassphrase(String privateKeyPassphrase) {
			this.privateKeyPassphrase = privateKeyPassphrase;
			return this;
		}

		/**
		 * Offer the keys of an ssh-agent after the private key.
		 * @param identityAgent the path of the agent's socket, or {@code SSH_AUTH_SOCK}
		 * for the socket in that environment variable; {@code null} for no agent
		 * @return this builder
		 */
		public Builder identityAgent(String identityAgent) {
			this.identityAgent = identityAgent;
			return this;
		}

		/**
		 * Log in with an OpenSSH user certificate, signed for the private key (or for a
		 * key of the agent).
		 * @param certificate the certificate; {@code null} for none (then a
		 * {@code <private key file>-cert.pub} is used when present)
		 * @return this builder
		 */
		public Builder certificate(CertificateSource certificate) {
			this.certificate = certificate;
			return this;
		}

		public Builder knownHosts(Path knownHosts) {
			this.knownHosts = knownHosts;
			return this;
		}

		public Builder hostKey(String hostKey) {
			this.hostKey = hostKey;
			return this;
		}

		public Builder hostKeyChecking(HostKeyChecking hostKeyChecking) {
			this.hostKeyChecking = hostKeyChecking;
			return this;
		}

		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
			return this;
		}

		public Builder forward(ForwardSettings forward) {
			this.forwards.add(forward);
			return this;
		}

		public Builder keepalive(Duration interval, int countMax) {
			this.keepaliveInterval = interval;
			this.keepaliveCountMax = countMax;
			return this;
		}

		public Builder reconnect(boolean enabled, Duration initialDelay, Duration maxDelay) {
			this.reconnectEnabled = enabled;
			this.reconnectInitialDelay = initialDelay;
			this.reconnectMaxDelay = maxDelay;
			return this;
		}

		/**
		 * Reach the SSH server through a jump host, after those added before (OpenSSH's
		 * {@code ProxyJump} order).
		 * @param jumpHost the jump host
		 * @return this builder
		 */
		public Builder jumpHost(JumpHost jumpHost) {
			this.jumpHosts.add(jumpHost);
			return this;
		}

		public Builder failFast(boolean failFast) {
			this.failFast = failFast;
			return this;
		}

		/**
		 * Validate and build the settings.
		 * @return the settings
		 * @throws SshTunnelException with reason
		 * {@link SshTunnelException.Reason#INVALID_CONFIGURATION} naming the property to
		 * fix
		 */
		public TunnelSettings build() {
			SettingsValidation.require(this.host != null && !this.host.isBlank(), "ssh.tunnel.host",
					"must not be empty");
			SettingsValidation.requirePort(this.port, "ssh.tunnel.port", false);
			SettingsValidation.require(this.username != null && !this.username.isBlank(), "ssh.tunnel.username",
					"must not be empty");
			SettingsValidation.require(this.identityAgent == null || !this.identityAgent.isBlank(),
					"ssh.tunnel.identity-agent", "must be the path of an ssh-agent socket or SSH_AUTH_SOCK");
			SettingsValidation.require(
					this.certificate == null || this.privateKey != null || this.identityAgent != null,
					"ssh.tunnel.certificate",
					"needs ssh.tunnel.private-key or ssh.tunnel.identity-agent (the " + "certificate's private key)");
			SettingsValidation.require(this.hostKeyChecking != null, "ssh.tunnel.strict-host-key-checking",
					"must be one of yes, accept-new, no");
			SettingsValidation.require(
					this.knownHosts != null || this.hostKey != null || this.hostKeyChecking == HostKeyChecking.NO,
					"ssh.tunnel.known-hosts", "must be set unless ssh.tunnel.host-key is set");
			SettingsValidation.requirePositive(this.connectTimeout, "ssh.tunnel.connect-timeout");
			SettingsValidation.require(this.keepaliveInterval != null && !this.keepaliveInterval.isNegative(),
					"ssh.tunnel.keepalive.interval", "must be 0 (off) or positive");
			SettingsValidation.require(this.keepaliveCountMax >= 1, "ssh.tunnel.keepalive.count-max",
					"must be at least 1");
			SettingsValidation.requirePositive(this.reconnectInitialDelay, "ssh.tunnel.reconnect.initial-delay");
			SettingsValidation.requirePositive(this.reconnectMaxDelay, "ssh.tunnel.reconnect.max-delay");
			SettingsValidation.require(this.reconnectMaxDelay.compareTo(this.reconnectInitialDelay) >= 0,
					"ssh.tunnel.reconnect.max-delay", "must not be shorter than ssh.tunnel.reconnect.initial-delay");
			SettingsValidation.forwards(this.forwards);
			SettingsValidation.jumpHosts(this.jumpHosts);
			return new TunnelSettings(this);
		}

	}

}

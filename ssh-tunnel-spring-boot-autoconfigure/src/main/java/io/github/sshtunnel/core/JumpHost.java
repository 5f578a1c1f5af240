package io.github.sshtunnel.core;

import java.util.Objects;

/**
 * One jump host (OpenSSH's {@code ProxyJump} hop) on the way to the SSH server: its
 * address and, optionally, its own credentials and host key. A value left {@code null}
 * falls back to the tunnel's (see {@link #settingsFor(TunnelSettings, int)}), except the
 * pinned host key: a hop without {@code hostKey} is checked against the tunnel's
 * known_hosts file under its own name and port. Build with {@link #builder(String)}.
 * {@link #toString()} never shows a secret.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class JumpHost {

	private final String host;

	private final int port;

	private final String username;

	private final String password;

	private final PrivateKeySource privateKey;

	private final String privateKeyPassphrase;

	private final CertificateSource certificate;

	private final String identityAgent;

	private final String hostKey;

	private JumpHost(Builder builder) {
		this.host = builder.host;
		this.port = builder.port;
		this.username = builder.username;
		this.password = builder.password;
		this.privateKey = builder.privateKey;
		this.privateKeyPassphrase = builder.privateKeyPassphrase;
		this.certificate = builder.certificate;
		this.identityAgent = builder.identityAgent;
		this.hostKey = builder.hostKey;
	}

	/**
	 * Start building a jump host.
	 * @param host the jump host's name or address
	 * @return a builder
	 */
	public static Builder builder(String host) {
		return new Builder(host);
	}

	/**
	 * Return the jump host's name or address.
	 * @return the host
	 */
	public String getHost() {
		return this.host;
	}

	/**
	 * Return the jump host's SSH port.
	 * @return the port
	 */
	public int getPort() {
		return this.port;
	}

	/**
	 * Return the user name at the jump host.
	 * @return the user name, or {@code null} for the tunnel's
	 */
	public String getUsername() {
		return this.username;
	}

	/**
	 * Return the password at the jump host.
	 * @return the password, or {@code null} for the tunnel's
	 */
	public String getPassword() {
		return this.password;
	}

	/**
	 * Return the private key for the jump host.
	 * @return the key, or {@code null} for the tunnel's
	 */
	public PrivateKeySource getPrivateKey() {
		return this.privateKey;
	}

	/**
	 * Return the passphrase of the jump host's private key.
	 * @return the passphrase, or {@code null} for the tunnel's
	 */
	public String getPrivateKeyPassphrase() {
		return this.privateKeyPassphrase;
	}

	/**
	 * Return the OpenSSH user certificate for the jump host.
	 * @return the certificate, or {@code null} for the tunnel's (when the jump host uses
	 * the tunnel's private key) or none
	 */
	public CertificateSource getCertificate() {
		return this.certificate;
	}

	/**
	 * Return the ssh-agent for the jump host: a socket path or {@code SSH_AUTH_SOCK}.
	 * @return the agent, or {@code null} for the tunnel's
	 */
	public String getIdentityAgent() {
		return this.identityAgent;
	}

	/**
	 * Return the pinned host key or fingerprint of the jump host.
	 * @return the pin, or {@code null} to check the known_hosts file
	 */
	public String getHostKey() {
		return this.hostKey;
	}

	/**
	 * Return the jump host as OpenSSH names it in known_hosts: {@code host} on port 22,
	 * {@code [host]:port} otherwise.
	 * @return the display name
	 */
	public String getDisplayName() {
		return (this.port == 22) ? this.host : "[" + this.host + "]:" + this.port;
	}

	/**
	 * Return the settings of the session to this jump host: its own values, else the
	 * tunnel's credentials; the tunnel's known_hosts file, host-key checking, timeouts
	 * and keepalive; no forwards.
	 * @param tunnel the tunnel's settings
	 * @param index the hop's index, from 0 (used to name its properties)
	 * @return the settings of the hop
	 */
	public TunnelSettings settingsFor(TunnelSettings tunnel, int index) {
		SettingsValidation.require(
				this.certificate == null || this.privateKey != null || tunnel.getPrivateKey() != null
						|| this.identityAgent != null || tunnel.getIdentityAgent() != null,
				certificateProperty(index), "needs a private key or an identity agent (ssh.tunnel.jump-hosts[" + index
						+ "].private-key or identity-agent, or the tunnel's): the certificate's private key");
		TunnelSettings.Builder builder = TunnelSettings.builder(this.host)
			.port(this.port)
			.username((this.username != null) ? this.username : tunnel.getUsername())
			.password((this.password != null) ? this.password : tunnel.getPassword())
			.privateKey((this.privateKey != null) ? this.privateKey : tunnel.getPrivateKey())
			.privateKeyPassphrase(
					(this.privateKey != null) ? this.privateKeyPassphrase : tunnel.getPrivateKeyPassphrase())
			.identityAgent((this.identityAgent != null) ? this.identityAgent : tunnel.getIdentityAgent())
			.certificate(certificate(tunnel))
			.hostKey(this.hostKey)
			.hostKeyChecking(tunnel.getHostKeyChecking())
			.connectTimeout(tunnel.getConnectTimeout())
			.keepalive(tunnel.getKeepaliveInterval(), tunnel.getKeepaliveCountMax())
			.reconnect(tunnel.isReconnectEnabled(), tunnel.getReconnectInitialDelay(), tunnel.getReconnectMaxDelay())
			.failFast(tunnel.isFailFast());
		if (tunnel.getKnownHosts() != null) {
			builder.knownHosts(tunnel.getKnownHosts());
		}
		return builder.build();
	}

	/**
	 * Return the property that holds the certificate this hop logs in with, for messages:
	 * the hop's own {@code ssh.tunnel.jump-hosts[N].certificate}, else the tunnel's
	 * {@code ssh.tunnel.certificate} it inherits.
	 * @param index the hop's index, from 0
	 * @return the property name
	 */
	public String certificateProperty(int index) {
		return (this.certificate != null) ? "ssh.tunnel.jump-hosts[" + index + "].certificate"
				: "ssh.tunnel.certificate";
	}

	private CertificateSource certificate(TunnelSettings tunnel) {
		if (this.certificate != null) {
			return this.certificate;
		}
		// the tunnel's certificate belongs to the tunnel's key: only with that key
		return (this.privateKey == null) ? tunnel.getCertificate() : null;
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof JumpHost that)) {
			return false;
		}
		return this.port == that.port && this.host.equals(that.host) && Objects.equals(this.username, that.username);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.host, this.port, this.username);
	}

	@Override
	public String toString() {
		return "JumpHost[" + ((this.username != null) ? this.username + "@" : "") + this.host + ":" + this.port
				+ ((this.password != null) ? ", password=******" : "")
				+ ((this.privateKey != null) ? ", privateKey=" + this.privateKey.description() : "")
				+ ((this.certificate != null) ? ", certificate=(set)" : "")
				+ ((this.identityAgent != null) ? ", identityAgent=" + this.identityAgent : "")
				+ ((this.hostKey != null) ? ", hostKey=" + this.hostKey : "") + "]";
	}

	/**
	 * Builder of {@link JumpHost}.
	 */
	public static final class Builder {

		private final String host;

		private int port = 22;

		private String username;

		private String password;

		private PrivateKeySource privateKey;

		private String privateKeyPassphrase;

		private CertificateSource certificate;

		private String identityAgent;

		private String hostKey;

		private Builder(String host) {
			this.host = host;
		}

		/**
		 * Set the SSH port (22 by default).
		 * @param port the port
		 * @return this builder
		 */
		public Builder port(int port) {
			this.port = port;
			return this;
		}

		/**
		 * Set the user name at the jump host.
		 * @param username the user name, {@code null} for the tunnel's
		 * @return this builder
		 */
		public Builder username(String username) {
			this.username = username;
			return this;
		}

		/**
		 * Set the password at the jump host.
		 * @param password the password, {@code null} for the tunnel's
		 * @return this builder
		 */
		public Builder password(String password) {
			this.password = password;
			return this;
		}

		/**
		 * Set the private key for the jump host.
		 * @param privateKey the key, {@code null} for the tunnel's
		 * @return this builder
		 */
		public Builder privateKey(PrivateKeySource privateKey) {
			this.privateKey = privateKey;
			return this;
		}

		/**
		 * Set the passphrase of the jump host's private key.
		 * @param privateKeyPassphrase the passphrase
		 * @return this builder
		 */
		public Builder privateKeyPassphrase(String privateKeyPassphrase) {
			this.privateKeyPassphrase = privateKeyPassphrase;
			return this;
		}

		/**
		 * Set the OpenSSH user certificate for the jump host.
		 * @param certificate the certificate, {@code null} for the tunnel's (when the
		 * jump host uses the tunnel's private key) or none
		 * @return this builder
		 */
		public Builder certificate(CertificateSource certificate) {
			this.certificate = certificate;
			return this;
		}

		/**
		 * Set the ssh-agent for the jump host.
		 * @param identityAgent a socket path or {@code SSH_AUTH_SOCK}, {@code null} for
		 * the tunnel's
		 * @return this builder
		 */
		public Builder identityAgent(String identityAgent) {
			this.identityAgent = identityAgent;
			return this;
		}

		/**
		 * Pin the jump host's host key or fingerprint instead of the known_hosts file.
		 * @param hostKey the key or {@code SHA256:} fingerprint
		 * @return this builder
		 */
		public Builder hostKey(String hostKey) {
			this.hostKey = hostKey;
			return this;
		}

		/**
		 * Build the jump host; {@link TunnelSettings.Builder#build()} validates it.
		 * @return the jump host
		 */
		public JumpHost build() {
			return new JumpHost(this);
		}

	}

}

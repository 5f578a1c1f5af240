package io.github.sshtunnel.autoconfigure;

/**
 * One jump host under {@code ssh.tunnel.jump-hosts[N]}, first hop first. Every value left
 * unset falls back to the tunnel's own, except {@code host-key}: a hop without it is
 * checked against {@code ssh.tunnel.known-hosts} under its own name and port.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class JumpHostProperties {

	/**
	 * Jump host name or address.
	 */
	private String host;

	/**
	 * Jump host SSH port.
	 */
	private int port = 22;

	/**
	 * Login name on the jump host. Defaults to ssh.tunnel.username.
	 */
	private String username;

	/**
	 * Password on the jump host. Defaults to ssh.tunnel.password.
	 */
	private String password;

	/**
	 * Private key for the jump host, as for ssh.tunnel.private-key. Defaults to
	 * ssh.tunnel.private-key.
	 */
	private String privateKey;

	/**
	 * Passphrase of the jump host's private key.
	 */
	private String privateKeyPassphrase;

	/**
	 * OpenSSH user certificate for the jump host, as a location or as text. Defaults to
	 * the tunnel's certificate.
	 */
	private String certificate;

	/**
	 * ssh-agent socket for the jump host, as for ssh.tunnel.identity-agent. Defaults to
	 * ssh.tunnel.identity-agent.
	 */
	private String identityAgent;

	/**
	 * Pinned host key of the jump host: a 'SHA256:...' fingerprint or a public key line.
	 * When unset, ssh.tunnel.known-hosts is checked under the jump host's name and port.
	 */
	private String hostKey;

	public String getHost() {
		return this.host;
	}

	public void setHost(String host) {
		this.host = host;
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

	public String getCertificate() {
		return this.certificate;
	}

	public void setCertificate(String certificate) {
		this.certificate = certificate;
	}

	public String getIdentityAgent() {
		return this.identityAgent;
	}

	public void setIdentityAgent(String identityAgent) {
		this.identityAgent = identityAgent;
	}

	public String getHostKey() {
		return this.hostKey;
	}

	public void setHostKey(String hostKey) {
		this.hostKey = hostKey;
	}

	@Override
	public String toString() {
		return "JumpHostProperties[" + ((this.username != null) ? this.username + "@" : "") + this.host + ":"
				+ this.port + "]";
	}

}

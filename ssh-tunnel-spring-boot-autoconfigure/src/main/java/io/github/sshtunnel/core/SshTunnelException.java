package io.github.sshtunnel.core;

/**
 * A failure of the SSH tunnel, typed by {@link Reason} so that start-up reports, health
 * and logs all say the same thing without parsing messages. The message describes what
 * happened; {@link #getAction()} says what to change. Neither ever holds a secret.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelException extends RuntimeException {

	private final Reason reason;

	private final String action;

	private final String jumpHost;

	/**
	 * Create a new exception.
	 * @param reason the reason
	 * @param message what happened
	 * @param action what to change, naming the property to fix
	 * @param cause the underlying cause, or {@code null}
	 */
	public SshTunnelException(Reason reason, String message, String action, Throwable cause) {
		this(reason, message, action, cause, null);
	}

	private SshTunnelException(Reason reason, String message, String action, Throwable cause, String jumpHost) {
		super(message, cause);
		this.reason = reason;
		this.action = action;
		this.jumpHost = jumpHost;
	}

	/**
	 * Return the failure of a jump host: the same reason, with a message that names the
	 * hop ("jump host 1 of 2, bastion.example.com:22: ...") and an action that names its
	 * properties.
	 * @param failure the failure as the hop's own session reported it
	 * @param hop the hop's position, from 1
	 * @param hops how many jump hosts the chain has
	 * @param displayName the hop's host and port
	 * @return the failure of the jump host
	 */
	public static SshTunnelException atJumpHost(SshTunnelException failure, int hop, int hops, String displayName) {
		String jumpHost = "jump host " + hop + " of " + hops + ", " + displayName;
		return new SshTunnelException(failure.getReason(), jumpHost + ": " + failure.getMessage(), failure.getAction()
				+ " For this jump host, set ssh.tunnel.jump-hosts[" + (hop - 1) + "].* (or fix ssh.tunnel.proxy-jump).",
				failure, jumpHost);
	}

	/**
	 * Return the jump host where the tunnel failed, e.g. "jump host 1 of 2,
	 * bastion.example.com:22".
	 * @return the jump host, or {@code null} when the failure is not at a jump host
	 */
	public String getJumpHost() {
		return this.jumpHost;
	}

	/**
	 * Return a copy with another message and action (e.g. property names renamed), same
	 * reason and jump host.
	 * @param message the message
	 * @param action the action
	 * @return the copy, caused by this exception
	 */
	public SshTunnelException withText(String message, String action) {
		return new SshTunnelException(this.reason, message, action, this, this.jumpHost);
	}

	/**
	 * Create a new exception.
	 * @param reason the reason
	 * @param message what happened
	 * @param action what to change, naming the property to fix
	 */
	public SshTunnelException(Reason reason, String message, String action) {
		this(reason, message, action, null);
	}

	/**
	 * Return why the tunnel failed.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Return what the user should change, naming the property to fix.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

	/**
	 * Why the tunnel failed.
	 */
	public enum Reason {

		/**
		 * A property has a missing or invalid value.
		 */
		INVALID_CONFIGURATION,

		/**
		 * The SSH server could not be reached (refused, unknown host, no route).
		 */
		CONNECT_FAILED,

		/**
		 * Connecting, exchanging keys or authenticating took longer than the connect
		 * timeout.
		 */
		CONNECT_TIMEOUT,

		/**
		 * The SSH server refused every authentication method offered.
		 */
		AUTHENTICATION_FAILED,

		/**
		 * The server's host key is not known.
		 */
		HOST_KEY_UNKNOWN,

		/**
		 * The server's host key differs from the known or pinned one: possibly a
		 * man-in-the-middle attack.
		 */
		HOST_KEY_CHANGED,

		/**
		 * The server's host key is marked {@code @revoked} in known_hosts.
		 */
		HOST_KEY_REVOKED,

		/**
		 * The server's host key is too weak to be trusted (RSA shorter than 2048 bits).
		 */
		HOST_KEY_WEAK,

		/**
		 * The server presented a host certificate signed by a CA that known_hosts trusts
		 * for it ({@code @cert-authority}), but the certificate is not valid for it
		 * (expired, not yet valid, another host name, not a host certificate, bad
		 * signature), and its plain host key is not known either.
		 */
		HOST_CERTIFICATE_INVALID,

		/**
		 * The known_hosts file cannot be read or written.
		 */
		KNOWN_HOSTS_UNREADABLE,

		/**
		 * The private key file is missing or unreadable.
		 */
		KEY_UNREADABLE,

		/**
		 * The private key cannot be decoded: wrong or missing passphrase, or not a key.
		 */
		KEY_INVALID,

		/**
		 * The configured ssh-agent cannot be reached or does not answer in time.
		 */
		AGENT_UNAVAILABLE,

		/**
		 * The OpenSSH user certificate cannot be used: unreadable, not a user
		 * certificate, not for the private key, expired, not yet valid, or not valid for
		 * the user name. Checked before connecting.
		 */
		CERTIFICATE_INVALID,

		/**
		 * A local port of a forward is already in use.
		 */
		LOCAL_PORT_IN_USE,

		/**
		 * The SSH session was lost.
		 */
		SESSION_LOST,

		/**
		 * The SSH server closed or reset the connection during the handshake, before the
		 * key exchange completed, without saying why: typically {@code sshd} dropping new
		 * connections beyond its {@code MaxStartups}. Retried at start-up within
		 * {@code connect-timeout}.
		 */
		HANDSHAKE_DROPPED,

		/**
		 * Anything else the SSH layer reported.
		 */
		SSH_ERROR

	}

}

package io.github.sshtunnel.core;

/**
 * Receives the events of a tunnel. Methods are called on the tunnel's own threads and
 * must return quickly; exceptions they throw are logged and ignored.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public interface SshTunnelListener {

	/**
	 * The SSH session is open and authenticated.
	 * @param state the state right after connecting
	 * @param reconnect whether this session replaces a lost one
	 * @param duration how long connecting, key exchange and authentication took, in
	 * nanoseconds
	 */
	default void connected(TunnelState state, boolean reconnect, long duration) {
	}

	/**
	 * An attempt to open the SSH session failed.
	 * @param cause why
	 * @param duration how long the attempt took, in nanoseconds
	 */
	default void connectFailed(SshTunnelException cause, long duration) {
	}

	/**
	 * The SSH session was lost or closed.
	 * @param state the state right after the loss
	 * @param cause why, or {@code null} when the tunnel was closed on purpose
	 */
	default void disconnected(TunnelState state, SshTunnelException cause) {
	}

	/**
	 * A local connection was carried to the target.
	 * @param forward the name of the forward
	 */
	default void connectionOpened(String forward) {
	}

	/**
	 * A local connection could not be carried to the target.
	 * @param forward the name of the forward
	 * @param cause why
	 */
	default void connectionFailed(String forward, Exception cause) {
	}

}

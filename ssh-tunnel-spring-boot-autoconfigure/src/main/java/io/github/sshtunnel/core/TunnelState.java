package io.github.sshtunnel.core;

import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot of a tunnel, the one source of truth that health, metrics and
 * logs read. Holds no secret.
 *
 * @param host the SSH server host
 * @param port the SSH server port
 * @param username the login name
 * @param status the session state
 * @param hostKeyFingerprint the SHA-256 fingerprint of the server's host key, once seen
 * @param connectedSince when the current session was authenticated, or {@code null}
 * @param reconnects sessions re-established after a loss
 * @param lastError the message of the last failure, or {@code null}
 * @param forwards the forwards
 * @param keyExchanges key exchanges completed, over all sessions: the first of each
 * session and every re-exchange
 * @param lastKeepaliveReply when the server last answered a keepalive request of the
 * current session (at first: when the session was authenticated), or {@code null} without
 * a session or without keepalive
 * @param handshakesDropped handshakes the server dropped and that were tried again
 * @param jumpHosts the jump hosts on the way to the server, first hop first, each as
 * {@code host:port}; empty for a direct connection
 * @param authentication how the current session to the server logged in (method and key
 * fingerprint), or {@code null} without a session
 * @param jumpHostAuthentications how the current session to each jump host logged in,
 * first hop first; empty without a session or for a direct connection
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public record TunnelState(String host, int port, String username, SessionStatus status, String hostKeyFingerprint,
		Instant connectedSince, long reconnects, String lastError, List<ForwardState> forwards, long keyExchanges,
		Instant lastKeepaliveReply, long handshakesDropped, List<String> jumpHosts, AuthenticationUsed authentication,
		List<AuthenticationUsed> jumpHostAuthentications) {

	/**
	 * Whether the session is open and authenticated and every forward is bound
	 * (in-process routes have nothing to bind).
	 * @return whether the tunnel is usable
	 */
	public boolean isUp() {
		return this.status == SessionStatus.CONNECTED
				&& this.forwards.stream().allMatch((forward) -> forward.isBound() || forward.isInProcess());
	}

	/**
	 * Return the forward of the given name.
	 * @param name the name of the forward
	 * @return the forward state
	 * @throws IllegalArgumentException if there is no such forward
	 */
	public ForwardState forward(String name) {
		return this.forwards.stream()
			.filter((forward) -> forward.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No forward named '" + name + "'"));
	}

}

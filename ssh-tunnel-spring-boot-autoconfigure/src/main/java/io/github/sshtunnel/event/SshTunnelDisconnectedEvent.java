package io.github.sshtunnel.event;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.TunnelState;

/**
 * Published when the SSH session is lost, with the cause, or closed on purpose (no
 * cause).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelDisconnectedEvent extends SshTunnelEvent {

	private final SshTunnelException cause;

	public SshTunnelDisconnectedEvent(SshTunnel tunnel, String tunnelName, TunnelState state,
			SshTunnelException cause) {
		super(tunnel, tunnelName, state);
		this.cause = cause;
	}

	/**
	 * Return why the session was lost.
	 * @return the cause, or {@code null} when the tunnel was closed on purpose
	 */
	public SshTunnelException getCause() {
		return this.cause;
	}

}

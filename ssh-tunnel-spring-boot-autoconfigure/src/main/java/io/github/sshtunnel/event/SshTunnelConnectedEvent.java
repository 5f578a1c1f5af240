package io.github.sshtunnel.event;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelState;

/**
 * Published when the SSH session is open and authenticated, at start-up and after every
 * reconnect.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelConnectedEvent extends SshTunnelEvent {

	private final boolean reconnect;

	public SshTunnelConnectedEvent(SshTunnel tunnel, String tunnelName, TunnelState state, boolean reconnect) {
		super(tunnel, tunnelName, state);
		this.reconnect = reconnect;
	}

	/**
	 * Whether this session replaces a lost one.
	 * @return whether this is a reconnect
	 */
	public boolean isReconnect() {
		return this.reconnect;
	}

}

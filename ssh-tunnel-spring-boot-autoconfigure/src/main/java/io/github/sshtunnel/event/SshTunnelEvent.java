package io.github.sshtunnel.event;

import org.springframework.context.ApplicationEvent;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelState;

/**
 * Base class of the SSH tunnel's application events. The source is the {@link SshTunnel}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public abstract class SshTunnelEvent extends ApplicationEvent {

	private final TunnelState state;

	protected SshTunnelEvent(SshTunnel tunnel, TunnelState state) {
		super(tunnel);
		this.state = state;
	}

	/**
	 * Return the tunnel.
	 * @return the tunnel
	 */
	public SshTunnel getTunnel() {
		return (SshTunnel) getSource();
	}

	/**
	 * Return the state of the tunnel when the event happened.
	 * @return the state
	 */
	public TunnelState getState() {
		return this.state;
	}

}

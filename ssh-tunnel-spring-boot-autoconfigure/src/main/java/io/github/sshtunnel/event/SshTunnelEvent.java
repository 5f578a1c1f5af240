package io.github.sshtunnel.event;

import org.springframework.context.ApplicationEvent;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelState;

/**
 * Base class of the SSH tunnel's application events. The source is the {@link SshTunnel};
 * {@link #getTunnelName()} names it by its bean name ({@code sshTunnel} for the
 * auto-configured one).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public abstract class SshTunnelEvent extends ApplicationEvent {

	private final String tunnelName;

	private final TunnelState state;

	protected SshTunnelEvent(SshTunnel tunnel, String tunnelName, TunnelState state) {
		super(tunnel);
		this.tunnelName = tunnelName;
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
	 * Return the name of the tunnel: the name of its bean.
	 * @return the name of the tunnel
	 */
	public String getTunnelName() {
		return this.tunnelName;
	}

	/**
	 * Return the state of the tunnel when the event happened.
	 * @return the state
	 */
	public TunnelState getState() {
		return this.state;
	}

}

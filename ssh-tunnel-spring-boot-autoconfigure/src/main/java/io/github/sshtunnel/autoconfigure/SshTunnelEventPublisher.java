package io.github.sshtunnel.autoconfigure;

import org.springframework.context.ApplicationEventPublisher;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelState;
import io.github.sshtunnel.event.SshTunnelConnectedEvent;
import io.github.sshtunnel.event.SshTunnelDisconnectedEvent;

/**
 * Publishes the tunnel's connect and disconnect as Spring application events.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelEventPublisher implements SshTunnelListener {

	private final ApplicationEventPublisher publisher;

	private volatile SshTunnel tunnel;

	SshTunnelEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	void setTunnel(SshTunnel tunnel) {
		this.tunnel = tunnel;
	}

	@Override
	public void connected(TunnelState state, boolean reconnect, long duration) {
		publish(new SshTunnelConnectedEvent(this.tunnel, state, reconnect));
	}

	@Override
	public void disconnected(TunnelState state, SshTunnelException cause) {
		publish(new SshTunnelDisconnectedEvent(this.tunnel, state, cause));
	}

	private void publish(Object event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (IllegalStateException ex) {
			// the context is closing: nobody is left to tell
		}
	}

}

package io.github.sshtunnel.autoconfigure;

import org.springframework.context.ApplicationEventPublisher;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelState;
import io.github.sshtunnel.event.SshTunnelConnectedEvent;
import io.github.sshtunnel.event.SshTunnelDisconnectedEvent;

/**
 * Publishes a tunnel's connect and disconnect as Spring application events that name the
 * tunnel by its bean name.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelEventPublisher implements SshTunnelListener {

	private final ApplicationEventPublisher publisher;

	private final String name;

	private final SshTunnel tunnel;

	SshTunnelEventPublisher(ApplicationEventPublisher publisher, String name, SshTunnel tunnel) {
		this.publisher = publisher;
		this.name = name;
		this.tunnel = tunnel;
	}

	@Override
	public void connected(TunnelState state, boolean reconnect, long duration) {
		publish(new SshTunnelConnectedEvent(this.tunnel, this.name, state, reconnect));
	}

	@Override
	public void disconnected(TunnelState state, SshTunnelException cause) {
		publish(new SshTunnelDisconnectedEvent(this.tunnel, this.name, state, cause));
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

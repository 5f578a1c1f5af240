package io.github.sshtunnel.core.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelState;

/**
 * The tunnel's listeners, told of each event on the thread that caused it; a listener
 * that throws is logged and does not stop the others.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TunnelEvents implements SshTunnelListener {

	private static final Logger logger = LoggerFactory.getLogger(TunnelEvents.class);

	private final List<SshTunnelListener> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Add a listener.
	 * @param listener the listener
	 */
	public void add(SshTunnelListener listener) {
		this.listeners.add(listener);
	}

	@Override
	public void connected(TunnelState state, boolean reconnect, long duration) {
		fire((listener) -> listener.connected(state, reconnect, duration));
	}

	@Override
	public void connectFailed(SshTunnelException cause, long duration) {
		fire((listener) -> listener.connectFailed(cause, duration));
	}

	@Override
	public void disconnected(TunnelState state, SshTunnelException cause) {
		fire((listener) -> listener.disconnected(state, cause));
	}

	@Override
	public void connectionOpened(String forward) {
		fire((listener) -> listener.connectionOpened(forward));
	}

	@Override
	public void connectionFailed(String forward, Exception cause) {
		logger.debug("Connection to forward '{}' failed: {}", forward, cause.getMessage());
		fire((listener) -> listener.connectionFailed(forward, cause));
	}

	private void fire(Consumer<SshTunnelListener> event) {
		for (SshTunnelListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("SSH tunnel listener {} failed", listener, ex);
			}
		}
	}

}

package io.github.sshtunnel.core.channel;

import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.sshtunnel.core.ForwardState;

/**
 * The in-process routes of one tunnel: each distinct target host:port gets a route, named
 * after the base name ({@code datasource}, then {@code datasource-2}, ...) in the order
 * first used, and counted like a forward. Hands out unconnected sockets whose
 * {@code connect} opens a {@code direct-tcpip} channel.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class ChannelRoutes {

	private final ChannelContext context;

	private final String baseName;

	private final Map<String, ChannelRoute> routes = new LinkedHashMap<>();

	private volatile boolean closed;

	/**
	 * Create the routes of a tunnel.
	 * @param context the session, bound and event sink they work with
	 * @param baseName the name of the first route
	 */
	public ChannelRoutes(ChannelContext context, String baseName) {
		this.context = context;
		this.baseName = baseName;
	}

	/**
	 * Return a new unconnected socket; its {@code connect} opens the channel.
	 * @return the socket
	 */
	public Socket createSocket() {
		try {
			return new ChannelSocket(this.context, this);
		}
		catch (SocketException ex) {
			// a socket without an implementation creates nothing that could fail
			throw new UncheckedIOException(ex);
		}
	}

	ChannelRoute route(String host, int port) {
		String key = host.toLowerCase(Locale.ROOT) + ":" + port;
		synchronized (this.routes) {
			return this.routes.computeIfAbsent(key,
					(k) -> new ChannelRoute(
							this.routes.isEmpty() ? this.baseName : this.baseName + "-" + (this.routes.size() + 1),
							host, port));
		}
	}

	boolean isClosed() {
		return this.closed;
	}

	/**
	 * Return a snapshot of every route used so far.
	 * @return the routes, shown as forwards without a local end
	 */
	public List<ForwardState> states() {
		List<ChannelRoute> current;
		synchronized (this.routes) {
			current = new ArrayList<>(this.routes.values());
		}
		return current.stream().map(ChannelRoute::state).toList();
	}

	/**
	 * Refuse new connections and close every open one.
	 */
	public void close() {
		this.closed = true;
		List<ChannelRoute> current;
		synchronized (this.routes) {
			current = new ArrayList<>(this.routes.values());
		}
		current.forEach(ChannelRoute::closeAll);
	}

}

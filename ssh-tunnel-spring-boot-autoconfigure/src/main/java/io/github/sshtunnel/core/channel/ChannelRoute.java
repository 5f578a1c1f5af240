package io.github.sshtunnel.core.channel;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.github.sshtunnel.core.ForwardState;

/**
 * One target host:port reached through in-process channels, with its counters: shown like
 * a forward that has no local end.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ChannelRoute {

	private final String name;

	private final String host;

	private final int port;

	private final Set<ChannelSocket> active = ConcurrentHashMap.newKeySet();

	private final AtomicLong opened = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final LongAdder outbound = new LongAdder();

	private final LongAdder inbound = new LongAdder();

	ChannelRoute(String name, String host, int port) {
		this.name = name;
		this.host = host;
		this.port = port;
	}

	String name() {
		return this.name;
	}

	void opened(ChannelSocket socket) {
		this.opened.incrementAndGet();
		this.active.add(socket);
	}

	void failed() {
		this.failed.incrementAndGet();
	}

	void finished(ChannelSocket socket) {
		this.active.remove(socket);
	}

	void outbound(long bytes) {
		this.outbound.add(bytes);
	}

	void inbound(long bytes) {
		this.inbound.add(bytes);
	}

	void closeAll() {
		this.active.forEach(ChannelSocket::closeQuietly);
	}

	ForwardState state() {
		return new ForwardState(this.name, null, 0, this.host, this.port, this.active.size(), this.opened.get(),
				this.failed.get(), this.outbound.sum(), this.inbound.sum());
	}

}

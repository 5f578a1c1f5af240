package io.github.sshtunnel.core.forward;

import java.util.concurrent.atomic.LongAdder;

/**
 * Bytes carried by one forward, counted when a chunk has been handed on, so the counts
 * are exact. One uncontended add per chunk on the forwarding path; read when scraped.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ForwardCounters {

	private final LongAdder outbound = new LongAdder();

	private final LongAdder inbound = new LongAdder();

	void outbound(long bytes) {
		this.outbound.add(bytes);
	}

	void inbound(long bytes) {
		this.inbound.add(bytes);
	}

	long outbound() {
		return this.outbound.sum();
	}

	long inbound() {
		return this.inbound.sum();
	}

}

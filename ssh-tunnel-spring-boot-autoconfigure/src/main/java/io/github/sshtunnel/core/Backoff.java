package io.github.sshtunnel.core;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: each delay doubles up to the cap and is spread by
 * +/-20% so that many applications that lost the same server do not reconnect in step.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class Backoff {

	private final long initialMillis;

	private final long maxMillis;

	private int attempt;

	Backoff(Duration initial, Duration max) {
		this.initialMillis = initial.toMillis();
		this.maxMillis = max.toMillis();
	}

	synchronized long nextDelayMillis() {
		long base = this.initialMillis << Math.min(this.attempt, 30);
		if (base <= 0 || base > this.maxMillis) {
			base = this.maxMillis;
		}
		this.attempt++;
		double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
		return Math.min(this.maxMillis, Math.max(1, Math.round(base * jitter)));
	}

	synchronized void reset() {
		this.attempt = 0;
	}

}

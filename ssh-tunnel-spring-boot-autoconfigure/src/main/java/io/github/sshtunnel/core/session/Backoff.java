package io.github.sshtunnel.core.session;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: each delay doubles up to the cap and is spread by
 * +/-20% so that many applications that lost the same server do not reconnect in step.
 * With full jitter each delay is instead uniform between 0 and the doubled value, which
 * spreads a crowd that failed at the same moment much further (used for dropped
 * handshakes at start-up, see {@code docs/resilience.md}).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class Backoff {

	private final long initialMillis;

	private final long maxMillis;

	private final boolean fullJitter;

	private int attempt;

	public Backoff(Duration initial, Duration max) {
		this(initial, max, false);
	}

	private Backoff(Duration initial, Duration max, boolean fullJitter) {
		this.initialMillis = initial.toMillis();
		this.maxMillis = max.toMillis();
		this.fullJitter = fullJitter;
	}

	public static Backoff fullJitter(Duration initial, Duration max) {
		return new Backoff(initial, max, true);
	}

	public synchronized long nextDelayMillis() {
		long base = this.initialMillis << Math.min(this.attempt, 30);
		if (base <= 0 || base > this.maxMillis) {
			base = this.maxMillis;
		}
		this.attempt++;
		double jitter = this.fullJitter ? ThreadLocalRandom.current().nextDouble()
				: 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
		return Math.min(this.maxMillis, Math.max(1, Math.round(base * jitter)));
	}

	public synchronized void reset() {
		this.attempt = 0;
	}

}

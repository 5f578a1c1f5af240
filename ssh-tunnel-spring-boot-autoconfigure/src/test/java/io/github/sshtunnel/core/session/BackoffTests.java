package io.github.sshtunnel.core.session;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Backoff}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class BackoffTests {

	@Test
	void delaysDoubleUpToTheCapWithinTwentyPercent() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
		long[] bases = { 100, 200, 400, 800, 1000, 1000 };
		for (long base : bases) {
			long delay = backoff.nextDelayMillis();
			assertThat(delay).isBetween(Math.round(base * 0.8), Math.min(1000, Math.round(base * 1.2)));
		}
		backoff.reset();
		assertThat(backoff.nextDelayMillis()).isBetween(80L, 120L);
	}

	@Test
	void fullJitterSpreadsACrowdOverTheWholeWindow() {
		// 2,000 replicas dropped at the same moment: their first retries
		LongSummaryStatistics first = LongStream.range(0, 2000)
			.map((replica) -> Backoff.fullJitter(Duration.ofMillis(100), Duration.ofMillis(1600)).nextDelayMillis())
			.summaryStatistics();
		assertThat(first.getMin()).isLessThan(10);
		assertThat(first.getMax()).isGreaterThan(90).isLessThanOrEqualTo(100);
		assertThat(first.getAverage()).isBetween(40.0, 60.0);
	}

	@Test
	void fullJitterWindowDoublesUpToTheCap() {
		Backoff backoff = Backoff.fullJitter(Duration.ofMillis(100), Duration.ofMillis(1600));
		long[] windows = { 100, 200, 400, 800, 1600, 1600, 1600 };
		for (long window : windows) {
			assertThat(backoff.nextDelayMillis()).isBetween(1L, window);
		}
	}

}

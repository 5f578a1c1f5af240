package io.github.sshtunnel.core.forward;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link OpenDeadlines}: the channel-open bounds of a forward's connections.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenDeadlinesTests {

	private final CountingTimer timer = new CountingTimer();

	@AfterEach
	void stopTimer() {
		this.timer.shutdownNow();
	}

	@Test
	void onlyBoundsNotCancelledRunAndTheTimerIsNotWokenPerConnection() {
		OpenDeadlines deadlines = new OpenDeadlines();
		AtomicInteger ran = new AtomicInteger();
		List<OpenDeadlines.Deadline> started = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			started.add(deadlines.start(this.timer, Duration.ofMillis(300), ran::incrementAndGet));
		}
		// every channel but one opened in time
		for (int i = 0; i < started.size(); i++) {
			if (i != 500) {
				started.get(i).cancel();
			}
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
		await().atMost(Duration.ofSeconds(5)).until(() -> deadlines.pending() == 0);
		assertThat(ran).hasValue(1);
		// a task per connection would have been 1000
		assertThat(this.timer.scheduled).hasValueLessThanOrEqualTo(3);
	}

	@Test
	void aCancelledBoundLetsGoOfItsWorkBeforeItsTimeComes() {
		OpenDeadlines deadlines = new OpenDeadlines();
		List<WeakReference<byte[]>> held = new ArrayList<>();
		OpenDeadlines.Deadline deadline = startHolding(deadlines, held);
		deadline.cancel();
		// can be collected at once, not ten minutes later
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			System.gc();
			return held.get(0).get() == null;
		});
		assertThat(deadlines.pending()).isEqualTo(1);
	}

	@Test
	void boundsAddedWhileTheTimerRunsAreKept() {
		OpenDeadlines deadlines = new OpenDeadlines();
		AtomicInteger ran = new AtomicInteger();
		deadlines.start(this.timer, Duration.ofMillis(50), () -> {
			ran.incrementAndGet();
			// a connection accepted while the timer ends another one
			deadlines.start(this.timer, Duration.ofMillis(50), ran::incrementAndGet);
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 2);
		await().atMost(Duration.ofSeconds(5)).until(() -> deadlines.pending() == 0);
	}

	/**
	 * Start a bound whose work holds 64 KiB, as a connection holds its packet buffers.
	 */
	private OpenDeadlines.Deadline startHolding(OpenDeadlines deadlines, List<WeakReference<byte[]>> held) {
		byte[] buffers = new byte[64 * 1024];
		held.add(new WeakReference<>(buffers));
		return deadlines.start(this.timer, Duration.ofMinutes(10), () -> {
			throw new AssertionError("cancelled work ran, holding " + buffers.length + " bytes");
		});
	}

	/**
	 * A single-thread timer that counts what was scheduled on it.
	 */
	static final class CountingTimer extends ScheduledThreadPoolExecutor {

		final AtomicInteger scheduled = new AtomicInteger();

		CountingTimer() {
			super(1);
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			this.scheduled.incrementAndGet();
			return super.schedule(command, delay, unit);
		}

		@Override
		public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
			this.scheduled.incrementAndGet();
			return super.schedule(callable, delay, unit);
		}

	}

}

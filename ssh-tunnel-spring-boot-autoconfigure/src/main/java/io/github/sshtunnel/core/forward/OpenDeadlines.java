package io.github.sshtunnel.core.forward;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channel-open bounds of one forward's connections, kept by one timer task at a time
 * instead of one task per connection.
 * <p>
 * Why: a task per connection, cancelled once the channel opened, stays in the timer's
 * queue until its time comes (the JDK's scheduled executor keeps cancelled tasks unless
 * told otherwise), and it held its connection, packet buffers included: at 250 new
 * connections a second and the default 10 s bound, some 2,500 finished connections that
 * the garbage collector could not free, and a timer thread woken once per connection to
 * discard them (docs/performance.md, round 2, step 8). Here a bound that is
 * {@link Deadline#cancel() cancelled} lets go of its work at once, and the timer wakes
 * when the oldest bound is due: every bound has the same length, so they come due in the
 * order they were added.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class OpenDeadlines {

	private static final Logger logger = LoggerFactory.getLogger(OpenDeadlines.class);

	private final Queue<Deadline> pending = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	/**
	 * Run the work when the bound passes, unless it is cancelled before.
	 * @param timer runs the work
	 * @param bound how long from now; every bound of this object has the same length
	 * @param work what to do when the bound passes
	 * @return the bound, to cancel
	 */
	Deadline start(ScheduledExecutorService timer, Duration bound, Runnable work) {
		Deadline deadline = new Deadline(System.nanoTime() + bound.toNanos(), work);
		this.pending.add(deadline);
		scheduleOldest(timer);
		return deadline;
	}

	/**
	 * How many bounds wait for the timer, cancelled ones included until it next runs.
	 * @return the number
	 */
	int pending() {
		return this.pending.size();
	}

	private void scheduleOldest(ScheduledExecutorService timer) {
		Deadline oldest = this.pending.peek();
		if (oldest == null || !this.scheduled.compareAndSet(false, true)) {
			return;
		}
		try {
			timer.schedule(() -> expire(timer), Math.max(0, oldest.at - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// the tunnel is closing and aborts its connections itself
			this.scheduled.set(false);
		}
	}

	/**
	 * On the timer (one run at a time): drop the cancelled bounds at the head of the
	 * queue, run the work of those that passed, and wake again for the oldest left.
	 */
	private void expire(ScheduledExecutorService timer) {
		long now = System.nanoTime();
		Deadline oldest;
		while ((oldest = this.pending.peek()) != null) {
			Runnable work = oldest.work;
			if (work != null && oldest.at - now > 0) {
				break;
			}
			this.pending.poll();
			if (work != null) {
				oldest.work = null;
				try {
					work.run();
				}
				catch (RuntimeException ex) {
					logger.debug("Channel-open bound failed", ex);
				}
			}
		}
		this.scheduled.set(false);
		// a bound added meanwhile may have found the flag still set
		scheduleOldest(timer);
	}

	/**
	 * One connection's bound.
	 */
	static final class Deadline {

		private final long at;

		private volatile Runnable work;

		private Deadline(long at, Runnable work) {
			this.at = at;
			this.work = work;
		}

		/**
		 * The channel opened or failed: the work will not run, and what it holds is
		 * released now.
		 */
		void cancel() {
			this.work = null;
		}

	}

}

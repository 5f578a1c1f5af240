package io.github.sshtunnel.core.session;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keepalive that a wedged session cannot fool. Every {@code interval} it sends a
 * {@code keepalive@openssh.com} request that wants a reply (OpenSSH's
 * {@code ServerAliveInterval}); any answer counts. It counts a request as unanswered
 * whatever the session is doing, also in the middle of a key exchange (MINA's own
 * heartbeat does not count then, so a key exchange that never ends was never noticed).
 * <p>
 * A request unanswered for one interval makes replies overdue, and the {@link Listener}
 * hears so at once; {@code interval × countMax} without any reply make the session dead
 * (OpenSSH's {@code ServerAliveCountMax} in time: the requests of those intervals were
 * all left unanswered). Checked four times per interval, on a timer thread of its own
 * that never waits for the network.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class KeepaliveWatchdog {

	static final String REQUEST = "keepalive@openssh.com";

	private static final Logger logger = LoggerFactory.getLogger(KeepaliveWatchdog.class);

	private final Duration interval;

	private final int countMax;

	private final ScheduledExecutorService timer;

	private final Listener listener;

	private volatile Watch current;

	public KeepaliveWatchdog(Duration interval, int countMax, ScheduledExecutorService timer, Listener listener) {
		this.interval = interval;
		this.countMax = countMax;
		this.timer = timer;
		this.listener = listener;
	}

	/**
	 * Watch a newly authenticated session, instead of the one before.
	 * @param session the session
	 */
	public void watch(ClientSession session) {
		Watch watch = new Watch(session);
		Watch previous = this.current;
		this.current = watch;
		if (previous != null) {
			previous.cancel();
		}
		try {
			long check = checkPeriod().toMillis();
			watch.task = this.timer.scheduleWithFixedDelay(watch::tick, check, check, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// closing
		}
	}

	/**
	 * The watchdog checks four times per interval, so that a dead session is declared
	 * close to {@code interval × countMax} after the last reply, not up to one interval
	 * later. Requests are still sent once per interval.
	 */
	private Duration checkPeriod() {
		Duration quarter = this.interval.dividedBy(4);
		return (quarter.toMillis() < 50) ? Duration.ofMillis(50) : quarter;
	}

	/**
	 * Stop watching the given session (it closed).
	 * @param session the session
	 */
	public void unwatch(ClientSession session) {
		Watch watch = this.current;
		if (watch != null && watch.session == session) {
			this.current = null;
			watch.cancel();
		}
	}

	/**
	 * Return when the server last answered a keepalive request of the current session (or
	 * when the session was authenticated, if it has not answered one yet).
	 * @return the instant, or {@code null} without a session
	 */
	public Instant lastReply() {
		Watch watch = this.current;
		return (watch != null) ? watch.lastReply : null;
	}

	private final class Watch {

		private final ClientSession session;

		private volatile long lastReplyNanos = System.nanoTime();

		private volatile Instant lastReply = Instant.now();

		private long lastSentNanos = this.lastReplyNanos;

		/**
		 * When the oldest unanswered request was sent, or 0.
		 */
		private volatile long unansweredSince;

		private volatile boolean overdue;

		private volatile ScheduledFuture<?> task;

		Watch(ClientSession session) {
			this.session = session;
		}

		void tick() {
			if (!this.session.isOpen()) {
				cancel();
				return;
			}
			long now = System.nanoTime();
			long interval = KeepaliveWatchdog.this.interval.toNanos();
			long silent = now - this.lastReplyNanos;
			if (silent >= interval * KeepaliveWatchdog.this.countMax) {
				cancel();
				KeepaliveWatchdog.this.listener.dead(this.session,
						new SshException("no keepalive reply for " + TimeUnit.NANOSECONDS.toMillis(silent)
								+ " ms (ssh.tunnel.keepalive.interval=" + KeepaliveWatchdog.this.interval.toMillis()
								+ "ms, count-max=" + KeepaliveWatchdog.this.countMax + ")"));
				return;
			}
			long since = this.unansweredSince;
			if (since != 0 && now - since >= interval && !this.overdue) {
				this.overdue = true;
				KeepaliveWatchdog.this.listener.overdue(this.session, this.lastReply);
			}
			if (now - this.lastSentNanos >= interval) {
				send(now);
			}
		}

		private void send(long now) {
			this.lastSentNanos = now;
			if (this.unansweredSince == 0) {
				this.unansweredSince = now;
			}
			try {
				Buffer request = this.session.createBuffer(SshConstants.SSH_MSG_GLOBAL_REQUEST, REQUEST.length() + 8);
				request.putString(REQUEST);
				request.putBoolean(true);
				// never waits: during a key exchange MINA queues the request
				this.session.request(request, REQUEST, (command, reply) -> replied());
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Could not send a keepalive request: {}", ex.toString());
			}
		}

		private void replied() {
			this.lastReplyNanos = System.nanoTime();
			this.lastReply = Instant.now();
			this.unansweredSince = 0;
			if (this.overdue) {
				this.overdue = false;
				KeepaliveWatchdog.this.listener.answered(this.session);
			}
		}

		void cancel() {
			ScheduledFuture<?> scheduled = this.task;
			if (scheduled != null) {
				scheduled.cancel(false);
			}
		}

	}

	/**
	 * What the watchdog reports, on its timer thread or on an I/O thread; never blocks.
	 */
	public interface Listener {

		/**
		 * A keepalive request was not answered within one interval.
		 * @param session the session
		 * @param lastReply when the server last answered
		 */
		void overdue(ClientSession session, Instant lastReply);

		/**
		 * The server answers again after replies had been overdue.
		 * @param session the session
		 */
		void answered(ClientSession session);

		/**
		 * {@code countMax} requests are unanswered: the session is dead.
		 * @param session the session
		 * @param cause what was seen
		 */
		void dead(ClientSession session, SshException cause);

	}

}

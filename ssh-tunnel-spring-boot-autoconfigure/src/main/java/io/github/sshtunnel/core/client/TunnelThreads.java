package io.github.sshtunnel.core.client;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.common.util.threads.ThreadUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.io.EventLoop;
import io.github.sshtunnel.core.io.PolledReads;

/**
 * Every thread of one tunnel, all daemons, all stopped by {@link #shutdown()}:
 * <ul>
 * <li>one I/O thread ({@code ssh-tunnel-io-}) that carries the local sockets and the SSH
 * socket, and never waits: the tunnel's own {@link EventLoop};</li>
 * <li>the scheduler ({@code ssh-tunnel-scheduler-}) that reconnects and reports session
 * losses (it may wait up to {@code connect-timeout} in a connect);</li>
 * <li>MINA's short read-resume tasks ({@code ssh-tunnel-resume-}), kept off the
 * scheduler;</li>
 * <li>the keepalive timer ({@code ssh-tunnel-keepalive-}), when keepalive is on, which
 * never waits for the network.</li>
 * </ul>
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TunnelThreads {

	private static final Logger logger = LoggerFactory.getLogger(TunnelThreads.class);

	/**
	 * One I/O thread, as OpenSSH has one: the session's packets are decoded and encoded
	 * one at a time anyway, and a second thread only added a hand-over (the JDK's epoll
	 * port wakes another thread per event) and lock contention. Measured in
	 * docs/performance.md.
	 */
	private static final int IO_THREADS = 1;

	/**
	 * The system property that selects the JDK's channel group instead of the tunnel's
	 * own event loop.
	 */
	public static final String EVENT_LOOP_PROPERTY = "io.github.sshtunnel.event-loop";

	private static final Duration STOP_WAIT = Duration.ofSeconds(5);

	private final AsynchronousChannelGroup channelGroup;

	private final ScheduledExecutorService scheduler;

	private final ExecutorService resumeTasks;

	private final ScheduledExecutorService keepaliveTimer;

	private TunnelThreads(boolean keepalive) throws IOException {
		this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("ssh-tunnel-scheduler-"));
		this.resumeTasks = Executors.newCachedThreadPool(daemonThreads("ssh-tunnel-resume-"));
		this.keepaliveTimer = keepalive
				? Executors.newSingleThreadScheduledExecutor(daemonThreads("ssh-tunnel-keepalive-")) : null;
		this.channelGroup = jdkEventLoop() ? AsynchronousChannelGroup.withFixedThreadPool(IO_THREADS, ioThreads())
				: EventLoop.start(ioThreads());
	}

	/**
	 * Start the threads of a tunnel.
	 * @param keepalive whether to start the keepalive timer
	 * @return the threads
	 * @throws IOException if the I/O threads cannot be started
	 */
	public static TunnelThreads start(boolean keepalive) throws IOException {
		if (jdkEventLoop()) {
			// before the tunnel's first socket: the JDK reads the property once per JVM
			PolledReads.preferPolledReads();
		}
		return new TunnelThreads(keepalive);
	}

	/**
	 * Whether the JVM was told to run the tunnel's sockets in a channel group of the
	 * JDK's ({@value #EVENT_LOOP_PROPERTY}{@code =jdk}) instead of the tunnel's own
	 * {@link EventLoop}: a switch for comparing the two, not a tuning option.
	 * @return whether to use the JDK's channel group
	 */
	static boolean jdkEventLoop() {
		return "jdk".equalsIgnoreCase(System.getProperty(EVENT_LOOP_PROPERTY, "").trim());
	}

	public AsynchronousChannelGroup channelGroup() {
		return this.channelGroup;
	}

	public ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	public ExecutorService resumeTasks() {
		return this.resumeTasks;
	}

	/**
	 * Return the keepalive timer.
	 * @return the timer, or {@code null} with keepalive off
	 */
	public ScheduledExecutorService keepaliveTimer() {
		return this.keepaliveTimer;
	}

	/**
	 * Stop scheduling at once: no reconnect and no keepalive starts any more. The threads
	 * end in {@link #shutdown()}.
	 */
	public void stopScheduling() {
		this.scheduler.shutdownNow();
		if (this.keepaliveTimer != null) {
			this.keepaliveTimer.shutdownNow();
		}
	}

	/**
	 * Stop every thread, waiting a few seconds at most for each kind.
	 */
	public void shutdown() {
		stopScheduling();
		try {
			this.channelGroup.shutdownNow();
			if (!this.channelGroup.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("SSH tunnel I/O threads did not stop within {} ms", STOP_WAIT.toMillis());
			}
		}
		catch (IOException ex) {
			logger.debug("Could not stop the I/O threads", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		await(this.scheduler);
		this.resumeTasks.shutdownNow();
		await(this.resumeTasks);
		if (this.keepaliveTimer != null) {
			await(this.keepaliveTimer);
		}
	}

	private static void await(ExecutorService executor) {
		try {
			if (!executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("SSH tunnel threads did not stop within {} ms", STOP_WAIT.toMillis());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The I/O threads carry both the local sockets and the SSH socket, so they must never
	 * wait: MINA would park a thread that writes channel data during a key exchange until
	 * the exchange ends, and the exchange can only end when one of these threads reads
	 * the server's answer. Marked as MINA-internal for their whole life, they get MINA's
	 * other behaviour: the packet is queued and written after the exchange. The queue
	 * stays small because each forwarded connection has at most one write outstanding.
	 */
	private static ThreadFactory ioThreads() {
		ThreadFactory daemons = daemonThreads("ssh-tunnel-io-");
		return (runnable) -> daemons.newThread(() -> {
			try {
				ThreadUtils.runAsInternal(() -> {
					runnable.run();
					return null;
				});
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger counter = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}

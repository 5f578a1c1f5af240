package io.github.sshtunnel.core.session;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;

/**
 * The start-up connect of a fleet: a handshake the server drops ({@code MaxStartups}, a
 * load balancer restarting) is tried again after a fully jittered delay until
 * {@code connect-timeout} has elapsed in total; any other failure is final at once.
 * <p>
 * Delays are uniform between 0 and 100 ms, 200 ms, ... up to 1.6 s, so that replicas that
 * were dropped in the same instant come back spread over the whole window instead of in
 * step.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class DroppedHandshakes {

	private static final Logger logger = LoggerFactory.getLogger(SessionSupervisor.class);

	private static final Duration INITIAL = Duration.ofMillis(100);

	private static final Duration MAX = Duration.ofMillis(1600);

	/**
	 * The last attempt starts this long before the deadline: one that fails at the
	 * deadline would say nothing new.
	 */
	private static final long MIN_ATTEMPT = TimeUnit.MILLISECONDS.toNanos(100);

	private final TunnelSettings settings;

	private final TunnelLifecycle lifecycle;

	private final Object pause = new Object();

	DroppedHandshakes(TunnelSettings settings, TunnelLifecycle lifecycle) {
		this.settings = settings;
		this.lifecycle = lifecycle;
	}

	/**
	 * Connect, retrying dropped handshakes.
	 * @param connect one attempt, given the overall deadline ({@link System#nanoTime()})
	 * @throws SshTunnelException the first failure that is not a dropped handshake, or
	 * the drops with their count once {@code connect-timeout} has elapsed
	 */
	void retry(LongConsumer connect) {
		long start = System.nanoTime();
		long deadline = start + this.settings.getConnectTimeout().toNanos();
		Backoff delays = Backoff.fullJitter(INITIAL, MAX);
		for (int attempt = 1;; attempt++) {
			try {
				connect.accept(deadline);
				return;
			}
			catch (SshTunnelException ex) {
				if (ex.getReason() != Reason.HANDSHAKE_DROPPED) {
					throw ex;
				}
				long left = deadline - MIN_ATTEMPT - System.nanoTime();
				if (this.lifecycle.current().closing() || left <= 0) {
					throw new SshTunnelException(Reason.HANDSHAKE_DROPPED,
							"SSH server " + this.settings.getServerDisplayName()
									+ " closed the connection during the handshake (" + attempt + " attempts in "
									+ String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9)
									+ " s); a busy server drops new connections beyond its MaxStartups",
							"Retry later, raise ssh.tunnel.connect-timeout to give the retries more time, or ask "
									+ "the server's administrator about MaxStartups (sshd_config) or a load "
									+ "balancer in front of it.",
							ex.getCause());
				}
				long delay = Math.min(TimeUnit.MILLISECONDS.toNanos(delays.nextDelayMillis()), left);
				logger.info("SSH server {} closed the connection during the handshake (attempt {}), retrying in {} ms",
						this.settings.getServerDisplayName(), attempt, TimeUnit.NANOSECONDS.toMillis(delay));
				pause(delay);
			}
		}
	}

	/**
	 * End a pause between attempts at once: the tunnel is closing.
	 */
	void wakeUp() {
		synchronized (this.pause) {
			this.pause.notifyAll();
		}
	}

	private void pause(long nanos) {
		synchronized (this.pause) {
			long end = System.nanoTime() + nanos;
			long left = nanos;
			while (left > 0 && !this.lifecycle.current().closing()) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.pause, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				left = end - System.nanoTime();
			}
		}
	}

}

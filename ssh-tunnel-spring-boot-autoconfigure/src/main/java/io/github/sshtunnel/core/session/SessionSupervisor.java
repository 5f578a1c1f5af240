package io.github.sshtunnel.core.session;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.core.TunnelState;
import io.github.sshtunnel.core.connect.Route;
import io.github.sshtunnel.core.connect.Failures;
import io.github.sshtunnel.core.hostkey.HostKeyVerifier;

/**
 * Keeps a tunnel's session up: the first connect (retrying handshakes the server drops,
 * within {@code connect-timeout}), the keepalive watchdog, and on loss the reconnect loop
 * with back-off on the tunnel's scheduler thread. Every status change goes through the
 * {@link TunnelLifecycle}; each event is fired by the thread whose transition applied.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SessionSupervisor {

	private static final Logger logger = LoggerFactory.getLogger(SessionSupervisor.class);

	private static final Duration GRACEFUL_CLOSE_WAIT = Duration.ofSeconds(2);

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

	private final TunnelSettings settings;

	private final TunnelLifecycle lifecycle;

	private final Route attempt;

	private final List<KeepaliveWatchdog> hopWatchdogs = new ArrayList<>();

	private final SessionEvents sessionEvents;

	private final TunnelEvents events;

	private final ScheduledExecutorService scheduler;

	private final KeepaliveWatchdog watchdog;

	private final Supplier<TunnelState> state;

	private final Backoff backoff;

	private final DroppedHandshakes droppedHandshakes;

	private final AtomicLong reconnects = new AtomicLong();

	private final AtomicLong handshakesDropped = new AtomicLong();

	private volatile String hostKeyFingerprint;

	private volatile String lastError;

	private volatile boolean everConnected;

	/**
	 * Create the supervisor of a tunnel's session.
	 * @param settings the settings
	 * @param lifecycle the state machine
	 * @param attempt one connection attempt, through the jump hosts if any
	 * @param sessionEvents what MINA reports about sessions
	 * @param events the tunnel's listeners
	 * @param scheduler runs reconnects and loss reports
	 * @param keepaliveTimer runs the keepalive watchdog, {@code null} with keepalive off
	 * @param state the tunnel's state, for events
	 */
	public SessionSupervisor(TunnelSettings settings, TunnelLifecycle lifecycle, Route attempt,
			SessionEvents sessionEvents, TunnelEvents events, ScheduledExecutorService scheduler,
			ScheduledExecutorService keepaliveTimer, Supplier<TunnelState> state) {
		this.settings = settings;
		this.lifecycle = lifecycle;
		this.attempt = attempt;
		this.sessionEvents = sessionEvents;
		this.events = events;
		this.scheduler = scheduler;
		this.state = state;
		this.backoff = new Backoff(settings.getReconnectInitialDelay(), settings.getReconnectMaxDelay());
		this.droppedHandshakes = new DroppedHandshakes(settings, lifecycle);
		this.watchdog = (keepaliveTimer != null) ? new KeepaliveWatchdog(settings.getKeepaliveInterval(),
				settings.getKeepaliveCountMax(), keepaliveTimer, new Liveness(settings, lifecycle, sessionEvents))
				: null;
		if (keepaliveTimer != null) {
			for (int i = 0; i < settings.getJumpHosts().size(); i++) {
				this.hopWatchdogs.add(new KeepaliveWatchdog(settings.getKeepaliveInterval(),
						settings.getKeepaliveCountMax(), keepaliveTimer, new HopLiveness(i + 1, settings)));
			}
		}
	}

	/**
	 * Connect at start-up. A handshake the server drops is tried again after a fully
	 * jittered delay until {@code connect-timeout} has elapsed in total; any other
	 * failure is final at once. With fail-fast the failure is thrown; without, it is
	 * logged and the reconnect loop takes over.
	 * @throws SshTunnelException with fail-fast, why the session could not be opened
	 */
	public void start() {
		try {
			this.droppedHandshakes.retry(this::connect);
		}
		catch (SshTunnelException ex) {
			if (this.settings.isFailFast() || this.lifecycle.current().closing()) {
				throw ex;
			}
			logger.warn(
					"SSH tunnel to {} could not be opened, retrying in the background "
							+ "(ssh.tunnel.fail-fast=false): {}",
					this.settings.getServerDisplayName(), ex.getMessage());
			scheduleReconnect();
		}
	}

	private void connect(long deadline) {
		long start = System.nanoTime();
		this.lifecycle.connecting();
		ClientSession session;
		try {
			session = this.attempt.connect(Math.min(deadline, start + this.settings.getConnectTimeout().toNanos()));
		}
		catch (SshTunnelException failure) {
			if (failure.getReason() == Reason.HANDSHAKE_DROPPED) {
				this.handshakesDropped.incrementAndGet();
			}
			this.lastError = failure.getMessage();
			this.lifecycle.connectFailed();
			this.events.connectFailed(failure, System.nanoTime() - start);
			throw failure;
		}
		this.hostKeyFingerprint = session.getAttribute(HostKeyVerifier.FINGERPRINT);
		boolean reconnect = this.everConnected;
		if (!this.lifecycle.connected(session)) {
			session.close(true);
			throw new SshTunnelException(Reason.SESSION_LOST, "SSH tunnel was closed while connecting",
					"None: the application is shutting down.");
		}
		this.everConnected = true;
		// loss reports (pool eviction, application events) must not run on an I/O thread
		session.addCloseFutureListener((future) -> runOnScheduler(() -> onSessionClosed(session)));
		if (this.watchdog != null) {
			this.watchdog.watch(session);
		}
		List<ClientSession> hops = Route.jumpSessions(session);
		for (int i = 0; i < hops.size() && i < this.hopWatchdogs.size(); i++) {
			this.hopWatchdogs.get(i).watch(hops.get(i));
		}
		if (reconnect) {
			this.reconnects.incrementAndGet();
		}
		this.backoff.reset();
		long duration = System.nanoTime() - start;
		logger.info("SSH tunnel {}@{} {} (host key {}, {} ms)", this.settings.getUsername(),
				this.settings.getServerDisplayName(), reconnect ? "re-established" : "established",
				this.hostKeyFingerprint, TimeUnit.NANOSECONDS.toMillis(duration));
		this.events.connected(this.state.get(), reconnect, duration);
	}

	private void onSessionClosed(ClientSession closed) {
		if (this.watchdog != null) {
			this.watchdog.unwatch(closed);
		}
		unwatchHops(closed);
		Throwable cause = this.sessionEvents.takeFailure(closed);
		if (!this.lifecycle.lost(closed)) {
			return;
		}
		SshTunnelException failure = new SshTunnelException(Reason.SESSION_LOST,
				"SSH session to " + this.settings.getServerDisplayName() + " was lost" + lostAt(closed)
						+ ((cause != null) ? ": " + Failures.describe(cause) : ""),
				"The tunnel reconnects by itself"
						+ (this.settings.isReconnectEnabled() ? "." : " only if ssh.tunnel.reconnect.enabled=true."),
				cause);
		this.lastError = failure.getMessage();
		logger.warn("{}; {}", failure.getMessage(), this.settings.isReconnectEnabled() ? "reconnecting"
				: "not reconnecting (ssh.tunnel.reconnect.enabled=false)");
		this.events.disconnected(this.state.get(), failure);
		scheduleReconnect();
	}

	private static String lostAt(ClientSession closed) {
		String hop = closed.getAttribute(Route.LOST_AT);
		return (hop != null && !hop.isEmpty()) ? " (" + hop + " closed first)" : "";
	}

	private void scheduleReconnect() {
		if (this.lifecycle.current().closing() || !this.settings.isReconnectEnabled()) {
			return;
		}
		long delay = this.backoff.nextDelayMillis();
		try {
			this.scheduler.schedule(this::reconnect, delay, TimeUnit.MILLISECONDS);
			logger.debug("Reconnecting to {} in {} ms", this.settings.getServerDisplayName(), delay);
		}
		catch (RejectedExecutionException ex) {
			// closing
		}
	}

	private void reconnect() {
		if (this.lifecycle.current().closing()) {
			return;
		}
		try {
			connect(System.nanoTime() + this.settings.getConnectTimeout().toNanos());
		}
		catch (SshTunnelException ex) {
			if (!this.lifecycle.current().closing()) {
				logger.warn("Reconnecting SSH tunnel to {} failed: {} ({})", this.settings.getServerDisplayName(),
						ex.getMessage(), ex.getAction());
				scheduleReconnect();
			}
		}
	}

	private void runOnScheduler(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// closing: close() reports the end of the session itself
		}
	}

	/**
	 * End the session for good, after {@link TunnelLifecycle#close()}: cancel a connect
	 * in progress, end a pause between attempts, close the session (gracefully first, so
	 * the server logs a clean logout), all within a few seconds.
	 * @param session the session to close, or {@code null}
	 */
	public void close(ClientSession session) {
		this.attempt.cancel();
		this.droppedHandshakes.wakeUp();
		if (session == null) {
			return;
		}
		if (this.watchdog != null) {
			this.watchdog.unwatch(session);
		}
		unwatchHops(session);
		try {
			if (!session.close(false).await(GRACEFUL_CLOSE_WAIT)) {
				session.close(true).await(CLOSE_WAIT);
			}
			// the hops close with the server's session; wait, so that no close is left
			// for the threads that stop next
			List<ClientSession> hops = Route.jumpSessions(session);
			for (int i = hops.size() - 1; i >= 0; i--) {
				hops.get(i).close(true).await(CLOSE_WAIT);
			}
		}
		catch (IOException ex) {
			logger.debug("Interrupted while closing the SSH session", ex);
		}
	}

	private void unwatchHops(ClientSession server) {
		List<ClientSession> hops = Route.jumpSessions(server);
		for (int i = 0; i < hops.size() && i < this.hopWatchdogs.size(); i++) {
			this.hopWatchdogs.get(i).unwatch(hops.get(i));
		}
	}

	public long reconnects() {
		return this.reconnects.get();
	}

	public long handshakesDropped() {
		return this.handshakesDropped.get();
	}

	public String hostKeyFingerprint() {
		return this.hostKeyFingerprint;
	}

	public String lastError() {
		return this.lastError;
	}

	/**
	 * Return when the server last answered a keepalive request of the current session.
	 * @return the instant, or {@code null}
	 */
	public Instant lastKeepaliveReply() {
		return (this.watchdog != null) ? this.watchdog.lastReply() : null;
	}

}

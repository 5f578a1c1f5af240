package io.github.sshtunnel.core;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.channel.ChannelContext;
import io.github.sshtunnel.core.channel.ChannelRoutes;
import io.github.sshtunnel.core.client.PacketLogging;
import io.github.sshtunnel.core.client.SshClientFactory;
import io.github.sshtunnel.core.client.TunnelThreads;
import io.github.sshtunnel.core.connect.Route;
import io.github.sshtunnel.core.forward.ForwardContext;
import io.github.sshtunnel.core.forward.LocalForward;
import io.github.sshtunnel.core.hostkey.HostKeyVerifier;
import io.github.sshtunnel.core.keys.AuthenticationRecorder;
import io.github.sshtunnel.core.keys.PrivateKeys;
import io.github.sshtunnel.core.session.SessionEvents;
import io.github.sshtunnel.core.session.SessionSupervisor;
import io.github.sshtunnel.core.session.TunnelEvents;
import io.github.sshtunnel.core.session.TunnelLifecycle;

/**
 * An SSH tunnel: one SSH session (Apache MINA SSHD) and its local port forwards, with
 * strict host-key checking, keepalive and automatic reconnection on the same local ports.
 * <p>
 * {@link #open()} binds every local port first, then connects. With fail-fast (the
 * default) a connect failure is thrown as an {@link SshTunnelException}; otherwise the
 * tunnel keeps trying in the background while the local ports stay bound.
 * {@link #close()} drops every forwarded connection, frees the ports and stops every
 * thread, within a few seconds; it is idempotent and safe from any thread.
 * <p>
 * Nothing implicit: no {@code ~/.ssh/config}, no {@code ~/.ssh/id_*}, no agent; only the
 * settings given.
 * <p>
 * This class only wires the rooms of the core together: the client and its threads
 * ({@code core.client}), host-key checking ({@code core.hostkey}), key material
 * ({@code core.keys}), one connection attempt ({@code core.connect}), the session's state
 * machine, keepalive and reconnection ({@code core.session}) and the forwards
 * ({@code core.forward}).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshTunnel implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SshTunnel.class);

	private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

	/**
	 * Name of the first in-process route (see {@link #createSocket()}); the routes to
	 * further targets are named {@code datasource-2}, {@code datasource-3}, ...
	 */
	public static final String IN_PROCESS_ROUTE = "datasource";

	private final TunnelSettings settings;

	private final List<SshClientCustomizer> customizers;

	private final TunnelLifecycle lifecycle = new TunnelLifecycle();

	private final TunnelEvents events = new TunnelEvents();

	private final SessionEvents sessionEvents = new SessionEvents();

	private final List<LocalForward> forwards;

	private final ChannelRoutes channels;

	private final CountDownLatch closed = new CountDownLatch(1);

	private volatile TunnelThreads threads;

	private volatile SshClient client;

	private volatile SessionSupervisor supervisor;

	private volatile Route route;

	/**
	 * Create a tunnel. Nothing happens until {@link #open()}.
	 * @param settings the settings
	 */
	public SshTunnel(TunnelSettings settings) {
		this(settings, Collections.emptyList());
	}

	/**
	 * Create a tunnel. Nothing happens until {@link #open()}.
	 * @param settings the settings
	 * @param customizers customizers of the MINA client, applied in order after every one
	 * of the tunnel's own defaults
	 */
	public SshTunnel(TunnelSettings settings, List<SshClientCustomizer> customizers) {
		if (settings == null) {
			throw new IllegalArgumentException("Settings must not be null");
		}
		this.settings = settings;
		this.customizers = List.copyOf(customizers);
		Context context = new Context();
		List<LocalForward> localForwards = new ArrayList<>();
		for (ForwardSettings forward : settings.getForwards()) {
			localForwards.add(new LocalForward(forward, context));
		}
		this.forwards = List.copyOf(localForwards);
		this.channels = new ChannelRoutes(context, IN_PROCESS_ROUTE);
	}

	/**
	 * Do ahead of time, typically on a background thread while the application starts,
	 * the one-off work that otherwise makes the first {@link #open()} in a JVM slow:
	 * registering the security providers (Bouncy Castle), loading the SSH client's
	 * classes and running the post-quantum key generation once. No network, no threads
	 * left behind; safe to call from several threads and more than once.
	 */
	public static void preinitialize() {
		SshClientFactory.preinitialize();
	}

	/**
	 * Add a listener of this tunnel's events.
	 * @param listener the listener
	 */
	public void addListener(SshTunnelListener listener) {
		this.events.add(listener);
	}

	/**
	 * Return the settings of this tunnel.
	 * @return the settings
	 */
	public TunnelSettings settings() {
		return this.settings;
	}

	/**
	 * Bind every forward's local port and connect. Returns once the session is
	 * authenticated, or, without fail-fast, once the first attempt failed and
	 * reconnection was scheduled.
	 * @return this tunnel
	 * @throws SshTunnelException if a local port cannot be bound, a key cannot be read,
	 * or (with fail-fast) the session cannot be established
	 * @throws IllegalStateException if the tunnel was opened or closed before
	 */
	public SshTunnel open() {
		if (!this.lifecycle.open()) {
			throw new IllegalStateException("Tunnel has already been opened or closed");
		}
		try {
			PacketLogging.warnOnceIfEnabled();
			HostKeyVerifier verifier = new HostKeyVerifier(this.settings, !this.settings.getJumpHosts().isEmpty());
			verifier.checkKnownHostsFile();
			if (this.settings.getPrivateKey() != null) {
				PrivateKeys.load(this.settings.getPrivateKey(), this.settings.getPrivateKeyPassphrase());
			}
			if (this.settings.getHostKeyChecking() == HostKeyChecking.NO && this.settings.getHostKey() == null) {
				logger.warn(
						"SSH host key checking is OFF for {} (ssh.tunnel.strict-host-key-checking=no): any "
								+ "server that answers, including a man-in-the-middle, receives the credentials and "
								+ "the database traffic. Use known_hosts or ssh.tunnel.host-key instead.",
						this.settings.getServerDisplayName());
			}
			TunnelThreads started = TunnelThreads.start(!this.settings.getKeepaliveInterval().isZero());
			this.threads = started;
			for (LocalForward forward : this.forwards) {
				forward.bind(started.channelGroup());
			}
			SshClient sshClient = SshClientFactory.create(this.settings, started, verifier, verifier::preferredKeyTypes,
					this.sessionEvents, this.customizers);
			this.client = sshClient;
			sshClient.start();
			Route route = Route.create(this.settings, sshClient, verifier, started, new SessionEvents(),
					this.customizers);
			this.route = route;
			this.supervisor = new SessionSupervisor(this.settings, this.lifecycle, route, this.sessionEvents,
					this.events, started.scheduler(), started.keepaliveTimer(), this::state);
			for (LocalForward forward : this.forwards) {
				forward.start();
			}
		}
		catch (IOException ex) {
			close();
			throw new SshTunnelException(Reason.SSH_ERROR, "Could not start the tunnel's I/O threads: " + ex,
					"Check the JVM's limits on threads and file descriptors.", ex);
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
		try {
			this.supervisor.start();
		}
		catch (SshTunnelException ex) {
			close();
			throw ex;
		}
		return this;
	}

	/**
	 * Return a snapshot of the tunnel's state.
	 * @return the state
	 */
	public TunnelState state() {
		List<ForwardState> forwardStates = new ArrayList<>(this.forwards.size());
		for (LocalForward forward : this.forwards) {
			forwardStates.add(forward.state());
		}
		forwardStates.addAll(this.channels.states());
		TunnelLifecycle.Snapshot now = this.lifecycle.current();
		SessionSupervisor current = this.supervisor;
		return new TunnelState(this.settings.getHost(), this.settings.getPort(), this.settings.getUsername(),
				now.status(), (current != null) ? current.hostKeyFingerprint() : null, now.connectedSince(),
				(current != null) ? current.reconnects() : 0, (current != null) ? current.lastError() : null,
				List.copyOf(forwardStates), this.sessionEvents.keyExchanges(),
				(current != null && now.session() != null) ? current.lastKeepaliveReply() : null,
				(current != null) ? current.handshakesDropped() : 0,
				this.settings.getJumpHosts()
					.stream()
					.map((jumpHost) -> jumpHost.getHost() + ":" + jumpHost.getPort())
					.toList(),
				(now.session() != null) ? now.session().getAttribute(AuthenticationRecorder.USED) : null,
				Route.jumpHostAuthentications(now.session()));
	}

	/**
	 * Return the local port really bound by the named forward.
	 * @param forward the name of the forward
	 * @return the port, or {@code 0} if the forward is not bound
	 */
	public int localPort(String forward) {
		for (LocalForward candidate : this.forwards) {
			if (candidate.settings().name().equals(forward)) {
				return candidate.boundPort();
			}
		}
		throw new IllegalArgumentException("No forward named '" + forward + "'");
	}

	/**
	 * Return a new unconnected socket whose {@code connect} opens a {@code direct-tcpip}
	 * channel through the current session to the given host and port as seen from the SSH
	 * server: no local port is bound and the host name is never resolved locally. The
	 * open waits at most the smaller of the connect's timeout and
	 * {@link TunnelSettings#getConnectTimeout() connect-timeout}; while the session is
	 * down it fails at once with a {@link java.net.ConnectException}. Each distinct
	 * target is counted in {@link #state()} as a forward without a local end, named
	 * {@value #IN_PROCESS_ROUTE}, then {@code datasource-2}, ... in the order first used.
	 * This is what the JDBC socket factories of {@code io.github.sshtunnel.jdbc} use.
	 * @return the socket, to be connected with
	 * {@link Socket#connect(java.net.SocketAddress, int)}
	 */
	public Socket createSocket() {
		return this.channels.createSocket();
	}

	/**
	 * Close the tunnel: stop reconnecting, drop every forwarded connection, free the
	 * local ports, close the session and stop every thread. Idempotent and safe from any
	 * thread: a second call waits (bounded) until the first one is done. The disconnected
	 * event fires once, and only if a session was up.
	 */
	@Override
	public void close() {
		TunnelLifecycle.Snapshot before = this.lifecycle.close();
		if (before == null) {
			awaitClosed();
			return;
		}
		try {
			TunnelThreads started = this.threads;
			if (started != null) {
				started.stopScheduling();
			}
			for (LocalForward forward : this.forwards) {
				forward.close();
			}
			this.channels.close();
			SessionSupervisor current = this.supervisor;
			if (current != null) {
				current.close(before.session());
			}
			if (this.route != null) {
				this.route.stop();
			}
			if (this.client != null) {
				this.client.stop();
			}
			if (started != null) {
				started.shutdown();
			}
		}
		finally {
			this.lifecycle.closed();
			this.closed.countDown();
		}
		if (before.status() == SessionStatus.CONNECTED || before.status() == SessionStatus.UNRESPONSIVE) {
			this.events.disconnected(state(), null);
		}
		logger.info("SSH tunnel to {} closed", this.settings.getServerDisplayName());
	}

	private void awaitClosed() {
		try {
			if (!this.closed.await(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("SSH tunnel to {} is still closing after {} s", this.settings.getServerDisplayName(),
						CLOSE_WAIT.toSeconds());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * What the forwards see of the tunnel.
	 */
	private final class Context implements ForwardContext, ChannelContext {

		@Override
		public String serverDisplayName() {
			return SshTunnel.this.settings.getServerDisplayName();
		}

		@Override
		public ClientSession currentSession() {
			TunnelLifecycle.Snapshot now = SshTunnel.this.lifecycle.current();
			return now.closing() ? null : now.session();
		}

		@Override
		public ScheduledExecutorService timer() {
			return SshTunnel.this.threads.scheduler();
		}

		@Override
		public Duration openTimeout() {
			return SshTunnel.this.settings.getConnectTimeout();
		}

		@Override
		public void connectionOpened(String forward) {
			SshTunnel.this.events.connectionOpened(forward);
		}

		@Override
		public void connectionFailed(String forward, Exception cause) {
			SshTunnel.this.events.connectionFailed(forward, cause);
		}

	}

}

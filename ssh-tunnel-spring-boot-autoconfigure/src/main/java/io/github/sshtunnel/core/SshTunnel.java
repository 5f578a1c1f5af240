package io.github.sshtunnel.core;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.UnresolvedAddressException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * An SSH tunnel: one SSH session (Apache MINA SSHD) and its local port forwards, with
 * strict host-key checking, keepalive and automatic reconnection on the same local ports.
 * <p>
 * {@link #open()} binds every local port first, then connects. With fail-fast (the
 * default) a connect failure is thrown as an {@link SshTunnelException}; otherwise the
 * tunnel keeps trying in the background while the local ports stay bound.
 * {@link #close()} drops every forwarded connection, frees the ports and stops every
 * thread, within a few seconds.
 * <p>
 * Nothing implicit: no {@code ~/.ssh/config}, no {@code ~/.ssh/id_*}, no agent; only the
 * settings given.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshTunnel implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(SshTunnel.class);

	private static final Duration STOP_WAIT = Duration.ofSeconds(5);

	private static final Duration GRACEFUL_CLOSE_WAIT = Duration.ofSeconds(2);

	/**
	 * Delays between attempts at start-up after the server dropped the handshake: fully
	 * jittered (uniform between 0 and 100 ms, 200 ms, ... 1.6 s), so that a fleet that
	 * started together spreads out instead of coming back in step.
	 */
	private static final Duration HANDSHAKE_RETRY_INITIAL = Duration.ofMillis(100);

	private static final Duration HANDSHAKE_RETRY_MAX = Duration.ofMillis(1600);

	/**
	 * Threads that carry the forwarded bytes, for all connections of the tunnel, and the
	 * SSH session's own I/O.
	 */
	private static final int IO_THREADS = 2;

	private static final List<BuiltinCiphers> CIPHERS = List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
			BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr,
			BuiltinCiphers.cc20p1305_openssh);

	private static final List<BuiltinSignatures> SIGNATURES = List.of(BuiltinSignatures.ed25519,
			BuiltinSignatures.nistp256, BuiltinSignatures.nistp384, BuiltinSignatures.nistp521,
			BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256);

	private final TunnelSettings settings;

	private final List<SshClientCustomizer> customizers;

	private final List<SshTunnelListener> listeners = new CopyOnWriteArrayList<>();

	private final List<LocalForward> forwards;

	private final Object lifecycleMonitor = new Object();

	private final AtomicLong reconnects = new AtomicLong();

	private final AtomicLong keyExchanges = new AtomicLong();

	private final AtomicLong handshakesDropped = new AtomicLong();

	/**
	 * Why a session ended: the first exception MINA reported for it, or why the tunnel
	 * declared it dead (which wins). Not a session attribute: MINA clears those when the
	 * session closes. Weak keys: a session that never got established leaves nothing.
	 */
	private final Map<Session, Throwable> sessionFailures = Collections.synchronizedMap(new WeakHashMap<>());

	private final Backoff backoff;

	private SshClient client;

	private HostKeyVerifier hostKeyVerifier;

	private AsynchronousChannelGroup channelGroup;

	private ScheduledExecutorService scheduler;

	private ExecutorService resumeTasks;

	private ScheduledExecutorService keepaliveTimer;

	private KeepaliveWatchdog watchdog;

	private volatile ClientSession session;

	private volatile SessionStatus status = SessionStatus.NEW;

	private volatile Instant connectedSince;

	private volatile String hostKeyFingerprint;

	private volatile String lastError;

	private volatile boolean closing;

	private volatile boolean everConnected;

	private volatile ConnectFuture pendingConnect;

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
	 * @param customizers customizers of the MINA client, applied in order after the
	 * tunnel's own defaults
	 */
	public SshTunnel(TunnelSettings settings, List<SshClientCustomizer> customizers) {
		if (settings == null) {
			throw new IllegalArgumentException("Settings must not be null");
		}
		this.settings = settings;
		this.customizers = List.copyOf(customizers);
		this.backoff = new Backoff(settings.getReconnectInitialDelay(), settings.getReconnectMaxDelay());
		List<LocalForward> localForwards = new ArrayList<>();
		for (ForwardSettings forward : settings.getForwards()) {
			localForwards.add(new LocalForward(forward, this));
		}
		this.forwards = List.copyOf(localForwards);
	}

	/**
	 * Do ahead of time, typically on a background thread while the application starts,
	 * the one-off work that otherwise makes the first {@link #open()} in a JVM slow:
	 * registering the security providers (Bouncy Castle), loading the SSH client's
	 * classes and running the post-quantum key generation once. No network, no threads
	 * left behind; safe to call from several threads and more than once.
	 */
	public static void preinitialize() {
		try {
			SecurityUtils.isBouncyCastleRegistered();
			SshClient.setUpDefaultClient();
			for (BuiltinCiphers cipher : CIPHERS) {
				cipher.isSupported();
			}
			for (BuiltinSignatures signature : SIGNATURES) {
				signature.isSupported();
			}
			// the crypto of a default key exchange and an ed25519 login, once
			if (BuiltinKEM.sntrup761.isSupported()) {
				KeyEncapsulationMethod.Client kem = BuiltinKEM.sntrup761.getClient();
				kem.init();
				kem.getPublicKey();
			}
			BuiltinDHFactories.curve25519.create().getE();
			if (BuiltinSignatures.ed25519.isSupported()) {
				KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
				Signature signer = BuiltinSignatures.ed25519.create();
				signer.initSigner(null, key.getPrivate());
				signer.update(null, new byte[32]);
				signer.sign(null);
			}
		}
		catch (Exception ex) {
			// an optimisation only: open() does whatever is left
			logger.debug("SSH tunnel pre-initialization failed", ex);
		}
	}

	/**
	 * Add a listener of this tunnel's events.
	 * @param listener the listener
	 */
	public void addListener(SshTunnelListener listener) {
		this.listeners.add(listener);
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
	 */
	public SshTunnel open() {
		synchronized (this.lifecycleMonitor) {
			if (this.status != SessionStatus.NEW) {
				throw new IllegalStateException("Tunnel has already been opened");
			}
			this.status = SessionStatus.CONNECTING;
			try {
				PacketLogging.warnOnceIfEnabled();
				this.hostKeyVerifier = new HostKeyVerifier(this.settings);
				this.hostKeyVerifier.checkKnownHostsFile();
				if (this.settings.getPrivateKey() != null) {
					PrivateKeys.load(this.settings.getPrivateKey(), this.settings.getPrivateKeyPassphrase());
				}
				if (this.settings.getHostKeyChecking() == HostKeyChecking.NO && this.settings.getHostKey() == null) {
					logger.warn("SSH host key checking is OFF for {} (ssh.tunnel.strict-host-key-checking=no): any "
							+ "server that answers, including a man-in-the-middle, receives the credentials and "
							+ "the database traffic. Use known_hosts or ssh.tunnel.host-key instead.",
							this.settings.getServerDisplayName());
				}
				this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("ssh-tunnel-scheduler-"));
				// MINA's short read-resume tasks: not on the scheduler, which blocks
				// while it reconnects
				this.resumeTasks = Executors.newCachedThreadPool(daemonThreads("ssh-tunnel-resume-"));
				this.channelGroup = AsynchronousChannelGroup.withFixedThreadPool(IO_THREADS, ioThreads());
				if (!this.settings.getKeepaliveInterval().isZero()) {
					this.keepaliveTimer = Executors
						.newSingleThreadScheduledExecutor(daemonThreads("ssh-tunnel-keepalive-"));
					this.watchdog = new KeepaliveWatchdog(this.settings.getKeepaliveInterval(),
							this.settings.getKeepaliveCountMax(), this.keepaliveTimer, new Liveness());
				}
				for (LocalForward forward : this.forwards) {
					forward.bind(this.channelGroup);
				}
				this.client = createClient();
				this.client.start();
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
		}
		try {
			connectRetryingDroppedHandshakes();
		}
		catch (SshTunnelException ex) {
			if (this.settings.isFailFast() || this.closing) {
				close();
				throw ex;
			}
			logger.warn(
					"SSH tunnel to {} could not be opened, retrying in the background "
							+ "(ssh.tunnel.fail-fast=false): {}",
					this.settings.getServerDisplayName(), ex.getMessage());
			scheduleReconnect();
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
		return new TunnelState(this.settings.getHost(), this.settings.getPort(), this.settings.getUsername(),
				this.status, this.hostKeyFingerprint, this.connectedSince, this.reconnects.get(), this.lastError,
				List.copyOf(forwardStates), this.keyExchanges.get(),
				(this.watchdog != null) ? this.watchdog.lastReply() : null, this.handshakesDropped.get());
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
	 * Close the tunnel: stop reconnecting, drop every forwarded connection, free the
	 * local ports, close the session and stop every thread. Idempotent; bounded by a few
	 * seconds.
	 */
	@Override
	public void close() {
		SessionStatus previous;
		synchronized (this.lifecycleMonitor) {
			if (this.status == SessionStatus.CLOSED) {
				return;
			}
			this.closing = true;
			previous = this.status;
			// ends a pause between handshake attempts at once
			this.lifecycleMonitor.notifyAll();
		}
		ConnectFuture connecting = this.pendingConnect;
		if (connecting != null) {
			connecting.cancel();
		}
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
		if (this.keepaliveTimer != null) {
			this.keepaliveTimer.shutdownNow();
		}
		for (LocalForward forward : this.forwards) {
			forward.close();
		}
		ClientSession current = this.session;
		this.session = null;
		if (current != null) {
			try {
				// graceful first (SSH_MSG_DISCONNECT), so the server logs a clean logout
				if (!current.close(false).await(GRACEFUL_CLOSE_WAIT)) {
					current.close(true).await(STOP_WAIT);
				}
			}
			catch (IOException ex) {
				logger.debug("Interrupted while closing the SSH session", ex);
			}
		}
		if (this.client != null) {
			this.client.stop();
		}
		shutdown(this.channelGroup);
		shutdown(this.scheduler);
		shutdown(this.resumeTasks);
		shutdown(this.keepaliveTimer);
		this.connectedSince = null;
		this.status = SessionStatus.CLOSED;
		if (previous == SessionStatus.CONNECTED || previous == SessionStatus.UNRESPONSIVE) {
			TunnelState state = state();
			fire((listener) -> listener.disconnected(state, null));
		}
		logger.info("SSH tunnel to {} closed", this.settings.getServerDisplayName());
	}

	ClientSession currentSession() {
		return this.session;
	}

	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	void fireConnectionOpened(String forward) {
		fire((listener) -> listener.connectionOpened(forward));
	}

	void fireConnectionFailed(String forward, Exception cause) {
		logger.debug("Connection to forward '{}' failed: {}", forward, cause.getMessage());
		fire((listener) -> listener.connectionFailed(forward, cause));
	}

	private SshClient createClient() {
		SshClient sshClient = SshClient.setUpDefaultClient();
		// the SSH socket shares the local sockets' threads (measured in
		// docs/performance.md: more throughput and less CPU per byte than a group each)
		sshClient.setIoServiceFactoryFactory(new TunnelIoServiceFactoryFactory(this.channelGroup, this.resumeTasks));
		sshClient.setServerKeyVerifier(this.hostKeyVerifier);
		sshClient.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
		sshClient.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
		sshClient.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
		List<NamedFactory<Cipher>> ciphers = new ArrayList<>();
		for (BuiltinCiphers cipher : CIPHERS) {
			if (cipher.isSupported()) {
				ciphers.add(cipher);
			}
		}
		sshClient.setCipherFactories(ciphers);
		sshClient.setSignatureFactories(signatures(Collections.emptyList()));
		Duration timeout = this.settings.getConnectTimeout();
		CoreModuleProperties.IO_CONNECT_TIMEOUT.set(sshClient, timeout);
		CoreModuleProperties.AUTH_TIMEOUT.set(sshClient, timeout);
		CoreModuleProperties.CHANNEL_OPEN_TIMEOUT.set(sshClient, timeout);
		CoreModuleProperties.IDLE_TIMEOUT.set(sshClient, Duration.ZERO);
		CoreModuleProperties.STOP_WAIT_TIME.set(sshClient, STOP_WAIT);
		// measured (docs/performance.md): with Nagle on the SSH socket, a small write
		// after another one waits up to 40 ms for the server's delayed ACK, on every new
		// forwarded connection and in the key exchange. The I/O factory acknowledges at
		// once for the same reason in the other direction.
		CoreModuleProperties.TCP_NODELAY.set(sshClient, true);
		// keepalive is the tunnel's own (KeepaliveWatchdog): MINA's heartbeat does not
		// count missing replies during a key exchange, so a stuck one went unnoticed
		CoreModuleProperties.HEARTBEAT_INTERVAL.set(sshClient, Duration.ZERO);
		sshClient.addSessionListener(new SessionListener() {

			@Override
			public void sessionEvent(Session session, Event event) {
				if (event == Event.KeyEstablished) {
					SshTunnel.this.keyExchanges.incrementAndGet();
				}
			}

			@Override
			public void sessionException(Session session, Throwable t) {
				SshTunnel.this.sessionFailures.putIfAbsent(session, t);
			}

		});
		for (SshClientCustomizer customizer : this.customizers) {
			customizer.customize(sshClient);
		}
		return sshClient;
	}

	/**
	 * Order host-key algorithms as OpenSSH does: the key types already known for this
	 * server first, then ed25519, ECDSA, RSA (SHA-2 only).
	 */
	private static List<NamedFactory<Signature>> signatures(List<String> preferredKeyTypes) {
		Set<BuiltinSignatures> ordered = new LinkedHashSet<>();
		for (String keyType : preferredKeyTypes) {
			for (BuiltinSignatures signature : SIGNATURES) {
				if (signatureMatchesKeyType(signature, keyType)) {
					ordered.add(signature);
				}
			}
		}
		ordered.addAll(SIGNATURES);
		List<NamedFactory<Signature>> result = new ArrayList<>();
		for (BuiltinSignatures signature : ordered) {
			if (signature.isSupported()) {
				result.add(signature);
			}
		}
		return result;
	}

	private static boolean signatureMatchesKeyType(BuiltinSignatures signature, String keyType) {
		if ("ssh-rsa".equals(keyType)) {
			return signature == BuiltinSignatures.rsaSHA512 || signature == BuiltinSignatures.rsaSHA256;
		}
		return signature.getName().equals(keyType);
	}

	/**
	 * Connect at start-up. A connection that the server closes or resets during the
	 * handshake (before the key exchange completed: {@code sshd}'s {@code MaxStartups}
	 * drop, a load balancer restarting) is tried again after a fully jittered delay until
	 * {@code connect-timeout} has elapsed in total; every other failure is final at once.
	 */
	private void connectRetryingDroppedHandshakes() {
		long start = System.nanoTime();
		long deadline = start + this.settings.getConnectTimeout().toNanos();
		Backoff backoff = Backoff.fullJitter(HANDSHAKE_RETRY_INITIAL, HANDSHAKE_RETRY_MAX);
		for (int attempt = 1;; attempt++) {
			try {
				connect(deadline);
				return;
			}
			catch (SshTunnelException ex) {
				if (ex.getReason() != Reason.HANDSHAKE_DROPPED) {
					throw ex;
				}
				long delay = TimeUnit.MILLISECONDS.toNanos(backoff.nextDelayMillis());
				if (this.closing || System.nanoTime() + delay >= deadline) {
					throw handshakeDropped(attempt, System.nanoTime() - start, ex);
				}
				logger.info("SSH server {} closed the connection during the handshake (attempt {}), retrying in {} ms",
						this.settings.getServerDisplayName(), attempt, TimeUnit.NANOSECONDS.toMillis(delay));
				pause(delay);
			}
		}
	}

	private SshTunnelException handshakeDropped(int attempts, long elapsed, SshTunnelException last) {
		return new SshTunnelException(Reason.HANDSHAKE_DROPPED,
				"SSH server " + this.settings.getServerDisplayName() + " closed the connection during the handshake ("
						+ attempts + " attempts in " + String.format(java.util.Locale.ROOT, "%.1f", elapsed / 1e9)
						+ " s); a busy server drops new connections beyond its MaxStartups",
				"Retry later, raise ssh.tunnel.connect-timeout to give the retries more time, or ask the "
						+ "server's administrator about MaxStartups (sshd_config) or a load balancer in front of it.",
				last.getCause());
	}

	private void pause(long nanos) {
		synchronized (this.lifecycleMonitor) {
			long end = System.nanoTime() + nanos;
			long left = nanos;
			while (left > 0 && !this.closing) {
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lifecycleMonitor, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				left = end - System.nanoTime();
			}
		}
	}

	private void connect() {
		connect(System.nanoTime() + this.settings.getConnectTimeout().toNanos());
	}

	private void connect(long overallDeadline) {
		long start = System.nanoTime();
		long deadline = Math.min(overallDeadline, start + this.settings.getConnectTimeout().toNanos());
		this.status = SessionStatus.CONNECTING;
		ClientSession newSession = null;
		boolean authenticating = false;
		try {
			List<KeyPair> keys = (this.settings.getPrivateKey() != null)
					? PrivateKeys.load(this.settings.getPrivateKey(), this.settings.getPrivateKeyPassphrase())
					: Collections.emptyList();
			this.hostKeyVerifier.reset();
			this.client.setSignatureFactories(signatures(this.hostKeyVerifier.preferredKeyTypes()));
			ConnectFuture connectFuture = this.client.connect(this.settings.getUsername(), this.settings.getHost(),
					this.settings.getPort());
			this.pendingConnect = connectFuture;
			if (this.closing) {
				connectFuture.cancel();
			}
			connectFuture.verify(remaining(deadline));
			newSession = connectFuture.getSession();
			for (KeyPair key : keys) {
				newSession.addPublicKeyIdentity(key);
			}
			if (this.settings.getPassword() != null) {
				newSession.addPasswordIdentity(this.settings.getPassword());
			}
			authenticating = true;
			AuthFuture auth = newSession.auth();
			auth.verify(remaining(deadline));
		}
		catch (IOException | RuntimeException ex) {
			SshTunnelException failure = translate(ex, newSession, authenticating, deadline);
			if (newSession != null) {
				newSession.close(true);
			}
			this.lastError = failure.getMessage();
			this.status = this.closing ? SessionStatus.CLOSED : SessionStatus.DISCONNECTED;
			long duration = System.nanoTime() - start;
			fire((listener) -> listener.connectFailed(failure, duration));
			throw failure;
		}
		finally {
			this.pendingConnect = null;
		}
		ClientSession established = newSession;
		this.hostKeyFingerprint = established.getAttribute(HostKeyVerifier.FINGERPRINT);
		boolean reconnect = this.everConnected;
		synchronized (this.lifecycleMonitor) {
			if (this.closing) {
				established.close(true);
				throw new SshTunnelException(Reason.SESSION_LOST, "SSH tunnel was closed while connecting",
						"None: the application is shutting down.");
			}
			this.session = established;
			this.connectedSince = Instant.now();
			this.status = SessionStatus.CONNECTED;
			this.everConnected = true;
		}
		// listeners (pool eviction, application events) must not run on an I/O thread
		established.addCloseFutureListener((future) -> runOnScheduler(() -> onSessionClosed(established)));
		if (this.watchdog != null) {
			this.watchdog.watch(established);
		}
		if (reconnect) {
			this.reconnects.incrementAndGet();
		}
		this.backoff.reset();
		long duration = System.nanoTime() - start;
		logger.info("SSH tunnel {}@{} {} (host key {}, {} ms)", this.settings.getUsername(),
				this.settings.getServerDisplayName(), reconnect ? "re-established" : "established",
				this.hostKeyFingerprint, TimeUnit.NANOSECONDS.toMillis(duration));
		TunnelState state = state();
		fire((listener) -> listener.connected(state, reconnect, duration));
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
	}

	private SshTunnelException translate(Exception ex, ClientSession session, boolean authenticating, long deadline) {
		if (ex instanceof SshTunnelException tunnelException) {
			return tunnelException;
		}
		SshTunnelException rejection = this.hostKeyVerifier.rejection();
		if (rejection != null) {
			return rejection;
		}
		String server = this.settings.getServerDisplayName();
		Throwable root = rootCause(ex);
		if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
			return new SshTunnelException(Reason.CONNECT_FAILED,
					"Could not connect to SSH server " + server + ": unknown host '" + this.settings.getHost() + "'",
					"Check ssh.tunnel.host.", ex);
		}
		if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
			return new SshTunnelException(Reason.CONNECT_FAILED,
					"Could not connect to SSH server " + server + ": " + root.getMessage(),
					"Check ssh.tunnel.host and ssh.tunnel.port, and that the SSH server runs and is reachable "
							+ "from this host.",
					ex);
		}
		if (isTimeout(ex, deadline)) {
			return new SshTunnelException(Reason.CONNECT_TIMEOUT,
					"Timed out after " + this.settings.getConnectTimeout().toMillis() + " ms "
							+ (authenticating ? "exchanging keys or authenticating with" : "connecting to")
							+ " SSH server " + server,
					"Check ssh.tunnel.host and ssh.tunnel.port and any firewall in between, or raise "
							+ "ssh.tunnel.connect-timeout.",
					ex);
		}
		if (isDroppedHandshake(ex, session)) {
			this.handshakesDropped.incrementAndGet();
			return new SshTunnelException(Reason.HANDSHAKE_DROPPED,
					"SSH server " + server + " closed the connection during the handshake: " + describe(root)
							+ "; a busy server drops new connections beyond its MaxStartups",
					"Retry later, or ask the server's administrator about MaxStartups (sshd_config) or a load "
							+ "balancer in front of it.",
					ex);
		}
		if (authenticating && isAuthenticationFailure(ex)) {
			String methods = describeMethods();
			return new SshTunnelException(Reason.AUTHENTICATION_FAILED,
					"SSH server " + server + " refused authentication of user '" + this.settings.getUsername()
							+ "' (offered: " + methods + ")",
					"Check ssh.tunnel.username and the credentials (ssh.tunnel.password or ssh.tunnel.private-key); "
							+ "for key login the server needs the public key in the user's authorized_keys.",
					ex);
		}
		return new SshTunnelException(Reason.SSH_ERROR, "SSH connection to " + server + " failed: " + describe(root),
				"Check ssh.tunnel.host and ssh.tunnel.port and the SSH server's log.", ex);
	}

	private static boolean isTimeout(Exception ex, long deadline) {
		// MINA's futures count whole milliseconds: allow for the rounding
		if (System.nanoTime() - deadline >= -TimeUnit.MILLISECONDS.toNanos(50)) {
			return true;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof java.util.concurrent.TimeoutException
					|| cause instanceof java.net.SocketTimeoutException) {
				return true;
			}
			String message = cause.getMessage();
			if (message != null && (message.contains("within specified timeout") || message.contains("timed out"))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the server closed or reset the connection before the key exchange
	 * completed, without an SSH disconnect message that would say why (a negotiation
	 * failure has one): what {@code sshd} does past {@code MaxStartups}.
	 */
	private static boolean isDroppedHandshake(Exception ex, ClientSession session) {
		if (session != null && session.getSessionId() != null) {
			return false;
		}
		boolean io = false;
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SshException sshException && sshException.getDisconnectCode() != 0) {
				return false;
			}
			io |= cause instanceof IOException;
		}
		return io;
	}

	private static boolean isAuthenticationFailure(Exception ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("authentication")) {
				return true;
			}
		}
		return false;
	}

	private String describeMethods() {
		List<String> methods = new ArrayList<>();
		if (this.settings.getPrivateKey() != null) {
			methods.add("publickey from " + this.settings.getPrivateKey().description());
		}
		if (this.settings.getPassword() != null) {
			methods.add("password");
		}
		return methods.isEmpty() ? "no credentials configured" : String.join(", ", methods);
	}

	private static String describe(Throwable throwable) {
		String message = throwable.getMessage();
		return (message != null) ? message : throwable.getClass().getSimpleName();
	}

	private static Throwable rootCause(Throwable throwable) {
		Throwable root = throwable;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	private void onSessionClosed(ClientSession closed) {
		if (this.watchdog != null) {
			this.watchdog.unwatch(closed);
		}
		synchronized (this.lifecycleMonitor) {
			if (this.session != closed) {
				return;
			}
			this.session = null;
			if (this.closing) {
				return;
			}
			this.status = SessionStatus.DISCONNECTED;
			this.connectedSince = null;
		}
		Throwable cause = this.sessionFailures.remove(closed);
		SshTunnelException failure = new SshTunnelException(Reason.SESSION_LOST,
				"SSH session to " + this.settings.getServerDisplayName() + " was lost"
						+ ((cause != null) ? ": " + describe(cause) : ""),
				"The tunnel reconnects by itself"
						+ (this.settings.isReconnectEnabled() ? "." : " only if ssh.tunnel.reconnect.enabled=true."),
				cause);
		this.lastError = failure.getMessage();
		logger.warn("{}; {}", failure.getMessage(), this.settings.isReconnectEnabled() ? "reconnecting"
				: "not reconnecting (ssh.tunnel.reconnect.enabled=false)");
		TunnelState state = state();
		fire((listener) -> listener.disconnected(state, failure));
		scheduleReconnect();
	}

	private void runOnScheduler(Runnable task) {
		try {
			this.scheduler.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// closing: close() reports the end of the session itself
		}
	}

	private void scheduleReconnect() {
		if (this.closing || !this.settings.isReconnectEnabled()) {
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
		if (this.closing) {
			return;
		}
		try {
			connect();
		}
		catch (SshTunnelException ex) {
			if (!this.closing) {
				logger.warn("Reconnecting SSH tunnel to {} failed: {} ({})", this.settings.getServerDisplayName(),
						ex.getMessage(), ex.getAction());
				scheduleReconnect();
			}
		}
	}

	private void fire(Consumer<SshTunnelListener> event) {
		for (SshTunnelListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.warn("SSH tunnel listener {} failed", listener, ex);
			}
		}
	}

	private static void shutdown(AsynchronousChannelGroup group) {
		if (group == null) {
			return;
		}
		try {
			group.shutdownNow();
			if (!group.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("SSH tunnel I/O threads did not stop within {} ms", STOP_WAIT.toMillis());
			}
		}
		catch (IOException ex) {
			logger.debug("Could not stop the I/O threads", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void shutdown(ExecutorService executor) {
		if (executor == null) {
			return;
		}
		executor.shutdownNow();
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

	/**
	 * Liveness as the keepalive watchdog sees it: replies overdue make the session
	 * {@link SessionStatus#UNRESPONSIVE}, a reply makes it
	 * {@link SessionStatus#CONNECTED} again, and too many missing replies end it hard
	 * (queued writes are dropped) so that the reconnect starts at once.
	 */
	private final class Liveness implements KeepaliveWatchdog.Listener {

		@Override
		public void overdue(ClientSession watched, Instant lastReply) {
			synchronized (SshTunnel.this.lifecycleMonitor) {
				if (SshTunnel.this.session != watched || SshTunnel.this.status != SessionStatus.CONNECTED) {
					return;
				}
				SshTunnel.this.status = SessionStatus.UNRESPONSIVE;
			}
			logger.warn("SSH server {} has not answered keepalive requests since {}",
					SshTunnel.this.settings.getServerDisplayName(), lastReply);
		}

		@Override
		public void answered(ClientSession watched) {
			synchronized (SshTunnel.this.lifecycleMonitor) {
				if (SshTunnel.this.session != watched || SshTunnel.this.status != SessionStatus.UNRESPONSIVE) {
					return;
				}
				SshTunnel.this.status = SessionStatus.CONNECTED;
			}
			logger.info("SSH server {} answers keepalive requests again",
					SshTunnel.this.settings.getServerDisplayName());
		}

		@Override
		public void dead(ClientSession watched, SshException cause) {
			SshTunnel.this.sessionFailures.put(watched, cause);
			watched.close(true);
		}

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

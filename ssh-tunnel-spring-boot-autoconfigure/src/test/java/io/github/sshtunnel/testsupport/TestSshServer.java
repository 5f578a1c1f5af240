package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.digest.Digest;
import org.apache.sshd.common.kex.KeyExchange;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.helpers.AbstractConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.shell.UnknownCommand;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.TunnelSettings;

/**
 * An in-process Apache MINA SSH server on 127.0.0.1 for tests: password and/or public key
 * login, port forwarding allowed (or refused), a generated host key kept in a temporary
 * file, and stop/restart on the same port.
 * <p>
 * The only command it runs is {@code true} (exit status 0), so that a real {@code ssh}
 * client can prove that it logged in.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TestSshServer implements AutoCloseable {

	/**
	 * Host key type: ECDSA on nistp256 (the default).
	 */
	public static final String ECDSA = "ecdsa";

	/**
	 * Host key type: ed25519 (through Bouncy Castle).
	 */
	public static final String ED25519 = "ed25519";

	/**
	 * Host key type: RSA, 2048 bits.
	 */
	public static final String RSA = "rsa";

	/**
	 * Host key type: RSA, 1024 bits (too weak: OpenSSH 9.1+ and the tunnel refuse it).
	 */
	public static final String RSA_1024 = "rsa-1024";

	private static final Duration STOP_WAIT = Duration.ofSeconds(5);

	private final String username;

	private final String password;

	private final List<PublicKey> authorizedKeys = new CopyOnWriteArrayList<>();

	private String hostKeyType = ECDSA;

	private Path hostKeyDirectory;

	private SimpleGeneratorHostKeyProvider hostKeyProvider;

	private KeyPair hostKeyPair;

	private boolean forwardingAllowed = true;

	private CountDownLatch heldOpens;

	private final List<Consumer<SshServer>> customizers = new CopyOnWriteArrayList<>();

	private final AtomicBoolean hangNextReExchange = new AtomicBoolean();

	private List<String> keyboardPrompts;

	private boolean keyboardEcho;

	private SshServer server;

	private int port;

	private TestSshServer(String username, String password) {
		this.username = username;
		this.password = password;
	}

	/**
	 * A server that lets the given user in with the given password (and with any key
	 * authorized later).
	 * @param username the user
	 * @param password the password
	 * @return the server, not started
	 */
	public static TestSshServer withPassword(String username, String password) {
		return new TestSshServer(username, password);
	}

	/**
	 * A server that lets the given user in with an authorized key only.
	 * @param username the user
	 * @return the server, not started
	 */
	public static TestSshServer withKeysOnly(String username) {
		return new TestSshServer(username, null);
	}

	/**
	 * Use a host key of another type. Only possible before the host key is generated,
	 * that is before the first {@link #start()}, {@link #hostKey()} or
	 * {@link #knownHostsLine()}.
	 * @param type {@link #ECDSA} (default), {@link #ED25519}, {@link #RSA} or
	 * {@link #RSA_1024}
	 * @return this server
	 */
	public synchronized TestSshServer hostKeyType(String type) {
		if (this.hostKeyPair != null) {
			throw new IllegalStateException("The host key is generated already");
		}
		algorithm(type);
		this.hostKeyType = type;
		return this;
	}

	/**
	 * Authorize the keys of a public key file (OpenSSH {@code .pub} or
	 * {@code authorized_keys} format).
	 * @param publicKeyFile the file
	 * @return this server
	 */
	public TestSshServer authorize(Path publicKeyFile) {
		try {
			for (AuthorizedKeyEntry entry : AuthorizedKeyEntry.readAuthorizedKeys(publicKeyFile)) {
				this.authorizedKeys.add(entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
			}
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot read " + publicKeyFile, ex);
		}
		return this;
	}

	/**
	 * Authorize a public key.
	 * @param publicKey the key
	 * @return this server
	 */
	public TestSshServer authorize(PublicKey publicKey) {
		this.authorizedKeys.add(publicKey);
		return this;
	}

	/**
	 * Refuse every port forwarding request ({@link RejectAllForwardingFilter}). Takes
	 * effect at the next {@link #start()}.
	 * @return this server
	 */
	public synchronized TestSshServer refuseForwarding() {
		this.forwardingAllowed = false;
		return this;
	}

	/**
	 * Offer keyboard-interactive login only (as a PAM-only OpenSSH does), asking the
	 * given questions; a single answer equal to the password lets the user in.
	 * @param echo whether the answers are echoed (a password prompt has echo off)
	 * @param prompts the questions
	 * @return this server
	 */
	public synchronized TestSshServer keyboardInteractiveOnly(boolean echo, String... prompts) {
		this.keyboardPrompts = List.of(prompts);
		this.keyboardEcho = echo;
		return this;
	}

	/**
	 * Hold every channel open to a target until the returned latch is counted down (at
	 * most 30 s), as a server whose connection to the target takes that long: the open is
	 * answered only then. Takes effect on the next start.
	 * @return the latch that releases the held opens
	 */
	public synchronized CountDownLatch holdChannelOpens() {
		CountDownLatch release = new CountDownLatch(1);
		this.heldOpens = release;
		return release;
	}

	/**
	 * Adjust the MINA server before it starts (for example its rekey limits).
	 * @param customizer the customizer
	 * @return this server
	 */
	public TestSshServer customize(Consumer<SshServer> customizer) {
		this.customizers.add(customizer);
		return this;
	}

	/**
	 * Start a key re-exchange in every open session and leave the next one hanging in the
	 * middle: the server takes the client's key-exchange message and never answers, as a
	 * wedged server would. The session stays open; later sessions are not affected.
	 */
	public synchronized void hangInNextKeyReExchange() {
		this.hangNextReExchange.set(true);
		reExchangeKeys();
	}

	/**
	 * Settings of a tunnel to this server: the password user, the host key pinned, and
	 * the given forwards; the caller may change anything else.
	 * @param forwards the forwards
	 * @return the builder
	 */
	public TunnelSettings.Builder tunnelSettings(ForwardSettings... forwards) {
		TunnelSettings.Builder builder = TunnelSettings.builder("127.0.0.1")
			.port(port())
			.username(this.username)
			.password(this.password)
			.hostKey(hostKeyFingerprint());
		for (ForwardSettings forward : forwards) {
			builder.forward(forward);
		}
		return builder;
	}

	/**
	 * Start a key re-exchange in every open session.
	 */
	public synchronized void reExchangeKeys() {
		for (Session session : this.server.getActiveSessions()) {
			try {
				session.reExchangeKeys();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	/**
	 * Start on a free port the first time, on the same port afterwards.
	 * @return this server
	 */
	public synchronized TestSshServer start() {
		if (this.server != null) {
			throw new IllegalStateException("Already started on port " + this.port);
		}
		hostKeyPair();
		SshServer sshServer = SshServer.setUpDefaultServer();
		sshServer.setHost("127.0.0.1");
		sshServer.setPort(this.port);
		sshServer.setKeyPairProvider(this.hostKeyProvider);
		if (this.password != null) {
			sshServer.setPasswordAuthenticator(
					(user, secret, session) -> this.username.equals(user) && this.password.equals(secret));
		}
		sshServer.setPublickeyAuthenticator((user, key, session) -> this.username.equals(user)
				&& this.authorizedKeys.stream().anyMatch((authorized) -> KeyUtils.compareKeys(authorized, key)));
		sshServer
			.setForwardingFilter(!this.forwardingAllowed ? RejectAllForwardingFilter.INSTANCE : (this.heldOpens != null)
					? new HoldingForwardingFilter(this.heldOpens) : AcceptAllForwardingFilter.INSTANCE);
		sshServer.setCommandFactory(
				(channel, command) -> "true".equals(command.trim()) ? new TrueCommand() : new UnknownCommand(command));
		CoreModuleProperties.STOP_WAIT_TIME.set(sshServer, STOP_WAIT);
		if (this.keyboardPrompts != null) {
			sshServer.setUserAuthFactories(List.of(new UserAuthKeyboardInteractiveFactory()));
			sshServer.setKeyboardInteractiveAuthenticator(keyboardInteractive());
		}
		sshServer.setKeyExchangeFactories(sshServer.getKeyExchangeFactories().stream().map(this::hangable).toList());
		this.customizers.forEach((customizer) -> customizer.accept(sshServer));
		try {
			sshServer.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start the test SSH server on 127.0.0.1:" + this.port, ex);
		}
		this.server = sshServer;
		this.port = sshServer.getPort();
		return this;
	}

	/**
	 * Start on the given port, for example the port another server just left.
	 * @param port the port
	 * @return this server
	 */
	public synchronized TestSshServer startOn(int port) {
		if (this.server != null) {
			throw new IllegalStateException("Already started on port " + this.port);
		}
		this.port = port;
		return start();
	}

	/**
	 * Stop the server and drop every session at once, as a crash would. Waits at most 5
	 * seconds.
	 */
	public synchronized void stop() {
		SshServer sshServer = this.server;
		this.server = null;
		if (sshServer != null) {
			for (Session session : sshServer.getActiveSessions()) {
				session.close(true);
			}
			try {
				sshServer.stop(true);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	/**
	 * Stop, then start again on the same port with the same host key.
	 * @return this server
	 */
	public synchronized TestSshServer restart() {
		stop();
		return start();
	}

	/**
	 * Whether the server is started.
	 * @return whether it is started
	 */
	public synchronized boolean isRunning() {
		return this.server != null && this.server.isOpen();
	}

	/**
	 * Return the port: {@code 0} before the first start, then the port the server was
	 * (and will again be) bound to.
	 * @return the port
	 */
	public synchronized int port() {
		return this.port;
	}

	/**
	 * Return the user that may log in.
	 * @return the user name
	 */
	public String username() {
		return this.username;
	}

	/**
	 * Return the host key type.
	 * @return {@link #ECDSA}, {@link #ED25519} or {@link #RSA}
	 */
	public synchronized String hostKeyType() {
		return this.hostKeyType;
	}

	/**
	 * Return the host key, generating it if needed.
	 * @return the public host key
	 */
	public PublicKey hostKey() {
		return hostKeyPair().getPublic();
	}

	/**
	 * Return the file that holds the host key pair (as MINA's
	 * {@link SimpleGeneratorHostKeyProvider} writes it), generating it if needed.
	 * @return the host key file
	 */
	public synchronized Path hostKeyFile() {
		hostKeyPair();
		return this.hostKeyProvider.getPath();
	}

	/**
	 * Return the host key's fingerprint as {@code ssh-keygen -l} shows it.
	 * @return the {@code SHA256:...} fingerprint
	 */
	public String hostKeyFingerprint() {
		return KeyUtils.getFingerPrint(BuiltinDigests.sha256, hostKey());
	}

	/**
	 * Return the host key as a public key line ({@code ecdsa-sha2-nistp256 AAAA...}).
	 * @return the public key line
	 */
	public String hostKeyLine() {
		return PublicKeyEntry.toString(hostKey());
	}

	/**
	 * Return a known_hosts line for this server ({@code [127.0.0.1]:port key}). Only
	 * meaningful once the server has a port, that is after the first {@link #start()}.
	 * @return the line
	 */
	public String knownHostsLine() {
		return "[127.0.0.1]:" + port() + " " + hostKeyLine();
	}

	/**
	 * Write a known_hosts file that holds this server's line.
	 * @param file the file
	 * @return the file
	 */
	public Path writeKnownHosts(Path file) {
		try {
			Files.writeString(file, knownHostsLine() + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return file;
	}

	/**
	 * Return how many authenticated sessions are open.
	 * @return the number of open, authenticated sessions
	 */
	public synchronized int activeSessions() {
		return (this.server != null) ? (int) this.server.getActiveSessions()
			.stream()
			.filter(Session::isOpen)
			.filter((session) -> ((ServerSession) session).isAuthenticated())
			.count() : 0;
	}

	/**
	 * Return how many channels the server keeps, over all its sessions: a channel stays
	 * until both sides have sent their {@code SSH_MSG_CHANNEL_CLOSE}.
	 * @return the number of channels
	 */
	public synchronized int openChannels() {
		if (this.server == null) {
			return 0;
		}
		int channels = 0;
		for (Session session : this.server.getActiveSessions()) {
			AbstractConnectionService service = session.getService(AbstractConnectionService.class);
			if (service != null) {
				channels += service.getChannels().size();
			}
		}
		return channels;
	}

	/**
	 * Stop the server and delete its host key file.
	 */
	@Override
	public synchronized void close() {
		try {
			stop();
		}
		finally {
			deleteHostKeyDirectory();
		}
	}

	private synchronized KeyPair hostKeyPair() {
		if (this.hostKeyPair == null) {
			Path file;
			try {
				this.hostKeyDirectory = Files.createTempDirectory("test-sshd");
				file = this.hostKeyDirectory.resolve("hostkey." + this.hostKeyType);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			// a server that is never started (an impostor's key) is never closed either
			this.hostKeyDirectory.toFile().deleteOnExit();
			file.toFile().deleteOnExit();
			SimpleGeneratorHostKeyProvider provider = new SimpleGeneratorHostKeyProvider(file);
			provider.setAlgorithm(algorithm(this.hostKeyType));
			provider.setKeySize(keySize(this.hostKeyType));
			List<KeyPair> keys = provider.loadKeys(null);
			if (keys.isEmpty() || !Files.exists(file)) {
				deleteHostKeyDirectory();
				throw new IllegalStateException("Cannot generate a " + this.hostKeyType + " host key in " + file);
			}
			this.hostKeyProvider = provider;
			this.hostKeyPair = keys.get(0);
		}
		return this.hostKeyPair;
	}

	private void deleteHostKeyDirectory() {
		Path directory = this.hostKeyDirectory;
		if (directory == null || !Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private KeyboardInteractiveAuthenticator keyboardInteractive() {
		List<String> prompts = this.keyboardPrompts;
		boolean echo = this.keyboardEcho;
		return new KeyboardInteractiveAuthenticator() {

			@Override
			public InteractiveChallenge generateChallenge(ServerSession session, String user, String lang,
					String subMethods) {
				InteractiveChallenge challenge = new InteractiveChallenge();
				challenge.setInteractionName("test");
				prompts.forEach((prompt) -> challenge.addPrompt(prompt, echo));
				return challenge;
			}

			@Override
			public boolean authenticate(ServerSession session, String user, List<String> responses) {
				return TestSshServer.this.username.equals(user) && responses.size() == 1
						&& responses.get(0).equals(TestSshServer.this.password);
			}

		};
	}

	private KeyExchangeFactory hangable(KeyExchangeFactory factory) {
		return new KeyExchangeFactory() {

			@Override
			public String getName() {
				return factory.getName();
			}

			@Override
			public KeyExchange createKeyExchange(Session session) throws Exception {
				KeyExchange exchange = factory.createKeyExchange(session);
				// a session id exists from the first exchange on: this is a re-exchange
				boolean hang = session.getSessionId() != null && TestSshServer.this.hangNextReExchange.getAndSet(false);
				return hang ? new HangingKeyExchange(exchange) : exchange;
			}

		};
	}

	/**
	 * A key exchange that swallows the client's messages and never completes.
	 */
	private record HangingKeyExchange(KeyExchange delegate) implements KeyExchange {

		@Override
		public String getName() {
			return this.delegate.getName();
		}

		@Override
		public Session getSession() {
			return this.delegate.getSession();
		}

		@Override
		public void init(byte[] v_s, byte[] v_c, byte[] i_s, byte[] i_c) throws Exception {
			this.delegate.init(v_s, v_c, i_s, i_c);
		}

		@Override
		public boolean next(int cmd, Buffer buffer) {
			return false;
		}

		@Override
		public Digest getHash() {
			return this.delegate.getHash();
		}

		@Override
		public byte[] getH() {
			return this.delegate.getH();
		}

		@Override
		public byte[] getK() {
			return this.delegate.getK();
		}

	}

	private static String algorithm(String type) {
		return switch (type) {
			case ECDSA -> KeyUtils.EC_ALGORITHM;
			case ED25519 -> SecurityUtils.EDDSA;
			case RSA, RSA_1024 -> KeyUtils.RSA_ALGORITHM;
			default -> throw new IllegalArgumentException("Unknown host key type " + type);
		};
	}

	private static int keySize(String type) {
		return switch (type) {
			case ECDSA, ED25519 -> 256;
			case RSA -> 2048;
			case RSA_1024 -> 1024;
			default -> throw new IllegalArgumentException("Unknown host key type " + type);
		};
	}

	/**
	 * The {@code true} command: exits with status 0 at once.
	 */
	/**
	 * Accepts every forward, but answers a channel open to a target only once released.
	 */
	private static final class HoldingForwardingFilter extends AcceptAllForwardingFilter {

		private final CountDownLatch release;

		HoldingForwardingFilter(CountDownLatch release) {
			this.release = release;
		}

		@Override
		public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
			try {
				this.release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return super.canConnect(type, address, session);
		}

	}

	private static final class TrueCommand implements Command {

		private ExitCallback callback;

		@Override
		public void setExitCallback(ExitCallback callback) {
			this.callback = callback;
		}

		@Override
		public void setInputStream(InputStream in) {
		}

		@Override
		public void setOutputStream(OutputStream out) {
		}

		@Override
		public void setErrorStream(OutputStream err) {
		}

		@Override
		public void start(ChannelSession channel, Environment env) {
			Thread exit = new Thread(() -> this.callback.onExit(0), "test-sshd-true");
			exit.setDaemon(true);
			exit.start();
		}

		@Override
		public void destroy(ChannelSession channel) {
		}

	}

}

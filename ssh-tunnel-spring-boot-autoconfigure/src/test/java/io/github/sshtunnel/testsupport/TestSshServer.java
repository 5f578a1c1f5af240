package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.session.ServerSession;

/**
 * An in-process Apache MINA SSH server on 127.0.0.1 for tests: password and/or public key
 * login, port forwarding allowed (or refused), a generated host key, and stop/restart on
 * the same port.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TestSshServer implements AutoCloseable {

	private static final Duration STOP_WAIT = Duration.ofSeconds(5);

	private final String username;

	private final String password;

	private final List<PublicKey> authorizedKeys = new CopyOnWriteArrayList<>();

	private final KeyPair hostKeyPair;

	private boolean forwardingAllowed = true;

	private SshServer server;

	private int port;

	private TestSshServer(String username, String password, String hostKeyAlgorithm) {
		this.username = username;
		this.password = password;
		this.hostKeyPair = generateHostKey(hostKeyAlgorithm);
	}

	/**
	 * A server that lets the given user in with the given password (and with any key
	 * authorized later).
	 * @param username the user
	 * @param password the password
	 * @return the server, not started
	 */
	public static TestSshServer withPassword(String username, String password) {
		return new TestSshServer(username, password, "ecdsa");
	}

	/**
	 * A server that lets the given user in with an authorized key only.
	 * @param username the user
	 * @return the server, not started
	 */
	public static TestSshServer withKeysOnly(String username) {
		return new TestSshServer(username, null, "ecdsa");
	}

	/**
	 * Use a host key of another type.
	 * @param algorithm {@code ed25519}, {@code rsa} or {@code ecdsa}
	 * @return a new server with the same users and the new host key
	 */
	public TestSshServer hostKeyType(String algorithm) {
		TestSshServer other = new TestSshServer(this.username, this.password, algorithm);
		other.authorizedKeys.addAll(this.authorizedKeys);
		other.forwardingAllowed = this.forwardingAllowed;
		return other;
	}

	/**
	 * Authorize a public key file (OpenSSH {@code .pub} format).
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
	 * Refuse every port forwarding request.
	 * @return this server
	 */
	public TestSshServer refuseForwarding() {
		this.forwardingAllowed = false;
		return this;
	}

	/**
	 * Start on a free port the first time, on the same port afterwards.
	 * @return this server
	 */
	public synchronized TestSshServer start() {
		SshServer sshServer = SshServer.setUpDefaultServer();
		sshServer.setHost("127.0.0.1");
		sshServer.setPort(this.port);
		sshServer.setKeyPairProvider(KeyPairProvider.wrap(this.hostKeyPair));
		if (this.password != null) {
			sshServer.setPasswordAuthenticator(
					(user, secret, session) -> this.username.equals(user) && this.password.equals(secret));
		}
		sshServer.setPublickeyAuthenticator((user, key, session) -> this.username.equals(user)
				&& this.authorizedKeys.stream().anyMatch((authorized) -> KeyUtils.compareKeys(authorized, key)));
		sshServer.setForwardingFilter(
				this.forwardingAllowed ? AcceptAllForwardingFilter.INSTANCE : RejectAllForwardingFilter.INSTANCE);
		CoreModuleProperties.STOP_WAIT_TIME.set(sshServer, STOP_WAIT);
		try {
			sshServer.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
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
	public TestSshServer startOn(int port) {
		this.port = port;
		return start();
	}

	/**
	 * Stop the server and drop every session at once, as a crash would.
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
	 * Start again on the same port.
	 * @return this server
	 */
	public TestSshServer restart() {
		stop();
		return start();
	}

	public int port() {
		return this.port;
	}

	public String username() {
		return this.username;
	}

	public PublicKey hostKey() {
		return this.hostKeyPair.getPublic();
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
	 * Return a known_hosts line for this server.
	 * @return the line
	 */
	public String knownHostsLine() {
		return "[127.0.0.1]:" + this.port + " " + hostKeyLine();
	}

	/**
	 * Write a known_hosts file with this server's line.
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
	 * Return how many sessions are open.
	 * @return the number of open sessions
	 */
	public synchronized int activeSessions() {
		return (this.server != null) ? (int) this.server.getActiveSessions()
			.stream()
			.filter(Session::isOpen)
			.filter((session) -> ((ServerSession) session).isAuthenticated())
			.count() : 0;
	}

	@Override
	public void close() {
		stop();
	}

	private static KeyPair generateHostKey(String algorithm) {
		try {
			return switch (algorithm) {
				case "ed25519" -> KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
				case "rsa" -> KeyUtils.generateKeyPair(KeyPairProvider.SSH_RSA, 2048);
				case "ecdsa" -> KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
				default -> throw new IllegalArgumentException("Unknown host key type " + algorithm);
			};
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

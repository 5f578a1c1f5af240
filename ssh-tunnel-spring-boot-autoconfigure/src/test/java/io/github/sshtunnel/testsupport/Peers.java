package io.github.sshtunnel.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Real peers of the tests (OpenSSH sshd, PostgreSQL, MariaDB). A test whose peer is
 * missing is skipped on a laptop, and FAILS where {@code SSH_TUNNEL_REQUIRE_PEERS=true}
 * (CI sets it), so that CI never skips silently.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class Peers {

	/**
	 * The environment variable that makes every real peer mandatory.
	 */
	public static final String REQUIRE_PEERS = "SSH_TUNNEL_REQUIRE_PEERS";

	private static final int CONNECT_TIMEOUT_MILLIS = 1000;

	private Peers() {
	}

	/**
	 * Whether real peers are mandatory.
	 * @return whether {@code SSH_TUNNEL_REQUIRE_PEERS} is {@code true}
	 */
	public static boolean mandatory() {
		return "true".equalsIgnoreCase(System.getenv(REQUIRE_PEERS));
	}

	/**
	 * Go on if the peer is available; otherwise fail when peers are mandatory, or skip
	 * the test.
	 * @param available whether the peer is available
	 * @param what the peer, for the message
	 */
	public static void require(boolean available, String what) {
		if (available) {
			return;
		}
		if (mandatory()) {
			throw new AssertionError(what + " is required because " + REQUIRE_PEERS + "=true");
		}
		Assumptions.abort(what + " is not available");
	}

	/**
	 * Whether PostgreSQL accepts connections on 127.0.0.1:5432.
	 * @return whether a TCP connection succeeds within one second
	 */
	public static boolean postgresAvailable() {
		return listening(5432);
	}

	/**
	 * Whether MariaDB accepts connections on 127.0.0.1:3306.
	 * @return whether a TCP connection succeeds within one second
	 */
	public static boolean mariadbAvailable() {
		return listening(3306);
	}

	/**
	 * Whether a real OpenSSH server can be started: {@value OpenSshServer#SSHD} exists
	 * and {@code ssh-keygen} is on the {@code PATH}.
	 * @return whether {@link OpenSshServer} can run here
	 */
	public static boolean sshdAvailable() {
		return Files.isExecutable(Path.of(OpenSshServer.SSHD)) && onPath("ssh-keygen");
	}

	/**
	 * Whether the OpenSSH client {@code ssh} is on the {@code PATH}.
	 * @return whether {@code ssh} can run here
	 */
	public static boolean sshClientAvailable() {
		return onPath("ssh");
	}

	/**
	 * Require a real OpenSSH server binary and {@code ssh-keygen}.
	 */
	public static void requireOpenSsh() {
		require(sshdAvailable(), "OpenSSH sshd (" + OpenSshServer.SSHD + ") and ssh-keygen");
	}

	/**
	 * Require a real OpenSSH server and the agent's tools {@code ssh-agent} and
	 * {@code ssh-add}.
	 */
	public static void requireOpenSshAgent() {
		require(sshdAvailable() && onPath("ssh-agent") && onPath("ssh-add"),
				"OpenSSH sshd (" + OpenSshServer.SSHD + "), ssh-keygen, ssh-agent and ssh-add");
	}

	/**
	 * Require PostgreSQL on 127.0.0.1:5432.
	 */
	public static void requirePostgres() {
		require(postgresAvailable(), "PostgreSQL on 127.0.0.1:5432");
	}

	/**
	 * Require MariaDB on 127.0.0.1:3306.
	 */
	public static void requireMariaDb() {
		require(mariadbAvailable(), "MariaDB on 127.0.0.1:3306");
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MILLIS);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static boolean onPath(String command) {
		String path = System.getenv("PATH");
		if (path == null) {
			return false;
		}
		for (String directory : path.split(File.pathSeparator)) {
			if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, command))) {
				return true;
			}
		}
		return false;
	}

}

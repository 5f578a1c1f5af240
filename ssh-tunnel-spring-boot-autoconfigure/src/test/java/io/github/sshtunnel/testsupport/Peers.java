package io.github.sshtunnel.testsupport;

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

	private Peers() {
	}

	/**
	 * Whether real peers are mandatory.
	 * @return whether {@code SSH_TUNNEL_REQUIRE_PEERS} is {@code true}
	 */
	public static boolean mandatory() {
		return "true".equalsIgnoreCase(System.getenv("SSH_TUNNEL_REQUIRE_PEERS"));
	}

	/**
	 * Go on if the peer is available; otherwise fail when peers are mandatory, or skip.
	 * @param available whether the peer is available
	 * @param what the peer, for the message
	 */
	public static void require(boolean available, String what) {
		if (available) {
			return;
		}
		if (mandatory()) {
			throw new AssertionError(
					what + " is required because SSH_TUNNEL_REQUIRE_PEERS=true, but it is not available");
		}
		Assumptions
			.abort(what + " is not available on this machine (set SSH_TUNNEL_REQUIRE_PEERS=true to make it mandatory)");
	}

	/**
	 * Require a real OpenSSH server binary and {@code ssh-keygen}.
	 */
	public static void requireOpenSsh() {
		require(Files.isExecutable(Path.of(OpenSshServer.SSHD)) && Files.isExecutable(Path.of("/usr/bin/ssh-keygen")),
				"OpenSSH sshd (" + OpenSshServer.SSHD + ") and ssh-keygen");
	}

	/**
	 * Require PostgreSQL on 127.0.0.1:5432.
	 */
	public static void requirePostgres() {
		require(listening(5432), "PostgreSQL on 127.0.0.1:5432");
	}

	/**
	 * Require MariaDB on 127.0.0.1:3306.
	 */
	public static void requireMariaDb() {
		require(listening(3306), "MariaDB on 127.0.0.1:3306");
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}

package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH {@code sshd}, started by a test as a child process with its own
 * configuration, host keys, {@code authorized_keys} and a free port on 127.0.0.1. Tests
 * run as root here; the server lets in the current user only, by public key.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class OpenSshServer implements AutoCloseable {

	static final String SSHD = "/usr/sbin/sshd";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

	private final Path directory;

	private final int port;

	private final String user = System.getProperty("user.name");

	private Process process;

	/**
	 * Prepare a server in a new temporary directory, with ed25519, ECDSA and RSA host
	 * keys.
	 */
	public OpenSshServer() {
		try {
			this.directory = Files.createTempDirectory("openssh-test");
			this.port = freePort();
			for (String type : List.of("ed25519", "ecdsa", "rsa")) {
				generateHostKey(type);
			}
			Files.writeString(this.directory.resolve("authorized_keys"), "");
			writeConfig();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Let the current user in with the given public key.
	 * @param publicKeyFile an OpenSSH {@code .pub} file
	 * @return this server
	 */
	public OpenSshServer authorize(Path publicKeyFile) {
		try {
			Files.writeString(this.directory.resolve("authorized_keys"), Files.readString(publicKeyFile).trim() + "\n",
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	/**
	 * Validate the configuration and start {@code sshd}, waiting until it accepts
	 * connections.
	 * @return this server
	 */
	public synchronized OpenSshServer start() {
		try {
			Files.createDirectories(Path.of("/run/sshd"));
			run(SSHD, "-t", "-f", config().toString());
			this.process = new ProcessBuilder(SSHD, "-D", "-e", "-f", config().toString()).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("sshd.log").toFile()))
				.start();
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (!accepting()) {
				if (!this.process.isAlive()) {
					throw new IllegalStateException("sshd exited with " + this.process.exitValue() + ":\n" + log());
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(
							"sshd did not accept connections within " + START_TIMEOUT + ":\n" + log());
				}
				this.process.waitFor(50, TimeUnit.MILLISECONDS);
			}
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Kill the server (SIGKILL, as a crash would) and wait until it is gone. Sessions it
	 * served die with it.
	 */
	public synchronized void kill() {
		Process current = this.process;
		this.process = null;
		if (current == null) {
			return;
		}
		// the per-connection sshd processes are children of the listener: end them too
		current.descendants().forEach(ProcessHandle::destroyForcibly);
		current.destroyForcibly();
		try {
			if (!current.waitFor(5, TimeUnit.SECONDS)) {
				throw new IllegalStateException("sshd did not stop");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Generate new host keys in place: the next start presents changed keys.
	 */
	public void replaceHostKeys() {
		try {
			for (String type : List.of("ed25519", "ecdsa", "rsa")) {
				Files.deleteIfExists(hostKey(type));
				Files.deleteIfExists(Path.of(hostKey(type) + ".pub"));
				generateHostKey(type);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	public String user() {
		return this.user;
	}

	/**
	 * Return the public key line of one of the host keys.
	 * @param type {@code ed25519}, {@code ecdsa} or {@code rsa}
	 * @return the public key line
	 */
	public String hostKeyLine(String type) {
		try {
			return Files.readString(Path.of(hostKey(type) + ".pub")).trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Write a known_hosts file that holds one host key of this server.
	 * @param file the file to write
	 * @param type the host key type
	 * @param hashed whether to hash the host names ({@code ssh-keygen -H})
	 * @return the file
	 */
	public Path writeKnownHosts(Path file, String type, boolean hashed) {
		try {
			String[] parts = hostKeyLine(type).split(" ");
			Files.writeString(file, "[127.0.0.1]:" + this.port + " " + parts[0] + " " + parts[1] + "\n");
			if (hashed) {
				run("/usr/bin/ssh-keygen", "-H", "-f", file.toString());
				Files.deleteIfExists(Path.of(file + ".old"));
			}
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return what sshd logged, for assertion messages.
	 * @return the log
	 */
	public String log() {
		try {
			Path log = this.directory.resolve("sshd.log");
			return Files.exists(log) ? Files.readString(log) : "";
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	@Override
	public void close() {
		kill();
	}

	private boolean accepting() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private Path config() {
		return this.directory.resolve("sshd_config");
	}

	private Path hostKey(String type) {
		return this.directory.resolve("ssh_host_" + type + "_key");
	}

	private void generateHostKey(String type) throws IOException {
		List<String> command = new ArrayList<>(List.of("/usr/bin/ssh-keygen", "-q", "-t", type, "-N", "", "-C",
				"test-host-" + type, "-f", hostKey(type).toString()));
		if ("rsa".equals(type)) {
			command.addAll(List.of("-b", "2048"));
		}
		run(command.toArray(String[]::new));
	}

	private void writeConfig() throws IOException {
		List<String> lines = new ArrayList<>();
		lines.add("ListenAddress 127.0.0.1");
		lines.add("Port " + this.port);
		for (String type : List.of("ed25519", "ecdsa", "rsa")) {
			lines.add("HostKey " + hostKey(type));
		}
		lines.add("PidFile " + this.directory.resolve("sshd.pid"));
		lines.add("AuthorizedKeysFile " + this.directory.resolve("authorized_keys"));
		lines.add("UsePAM no");
		lines.add("StrictModes no");
		lines.add("PasswordAuthentication no");
		lines.add("KbdInteractiveAuthentication no");
		lines.add("PubkeyAuthentication yes");
		lines.add("PermitRootLogin prohibit-password");
		lines.add("AllowUsers " + this.user);
		lines.add("AllowTcpForwarding local");
		lines.add("PermitOpen 127.0.0.1:* localhost:*");
		lines.add("X11Forwarding no");
		lines.add("PrintMotd no");
		lines.add("LogLevel VERBOSE");
		lines.add("MaxStartups 100");
		Files.write(config(), lines, StandardCharsets.UTF_8);
	}

	private static void run(String... command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " timed out");
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}

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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real OpenSSH {@code sshd}, started by a test as a child process with its own
 * configuration, host keys ({@code ed25519}, {@code ecdsa}, {@code rsa}),
 * {@code authorized_keys}, log file and a free port on 127.0.0.1, all in a temporary
 * directory of its own. It lets in the current user ({@code user.name}; root included) by
 * public key only, and allows local port forwarding to 127.0.0.1.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class OpenSshServer implements AutoCloseable {

	/**
	 * The OpenSSH server binary.
	 */
	public static final String SSHD = "/usr/sbin/sshd";

	/**
	 * The host key types, the one {@link #hostKeyPublicLine()} returns first.
	 */
	public static final List<String> HOST_KEY_TYPES = List.of("ed25519", "ecdsa", "rsa");

	private static final String SSH_KEYGEN = "ssh-keygen";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> RUNNING.forEach(OpenSshServer::destroyNow), "openssh-server-cleanup"));
	}

	private final Path directory;

	private final int port;

	private final String user = System.getProperty("user.name");

	private Process process;

	private final List<String> extraConfig = new ArrayList<>();

	/**
	 * Prepare a server (not started) in a new temporary directory, with ed25519, ECDSA
	 * and RSA host keys and an empty {@code authorized_keys}.
	 */
	public OpenSshServer() {
		try {
			this.directory = Files.createTempDirectory("openssh-test");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			this.port = freePort();
			for (String type : HOST_KEY_TYPES) {
				generateHostKey(type);
			}
			Files.writeString(authorizedKeys(), "");
			writeConfig();
		}
		catch (IOException | RuntimeException ex) {
			deleteDirectory();
			throw (ex instanceof IOException io) ? new UncheckedIOException(io) : (RuntimeException) ex;
		}
	}

	/**
	 * Let the current user in with the given public key. Takes effect at once, also while
	 * the server runs.
	 * @param publicKeyFile an OpenSSH {@code .pub} file
	 * @return this server
	 */
	public OpenSshServer authorize(Path publicKeyFile) {
		try {
			Files.writeString(authorizedKeys(), Files.readString(publicKeyFile).trim() + "\n",
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	/**
	 * Add lines to the server's {@code sshd_config} (for example
	 * {@code RekeyLimit 1M 1s}); they take effect at the next start.
	 * @param lines the configuration lines
	 * @return this server
	 */
	public synchronized OpenSshServer configure(String... lines) {
		this.extraConfig.addAll(List.of(lines));
		try {
			writeConfig();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	/**
	 * Validate the configuration ({@code sshd -t}) and start {@code sshd -D -e} on the
	 * port of this server, waiting at most 10 seconds until it accepts connections.
	 * @return this server
	 */
	public synchronized OpenSshServer start() {
		if (this.process != null) {
			throw new IllegalStateException("sshd is running already on port " + this.port);
		}
		try {
			Files.createDirectories(Path.of("/run/sshd"));
			run(SSHD, "-t", "-f", config().toString());
			Process started = new ProcessBuilder(SSHD, "-D", "-e", "-f", config().toString()).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
				.start();
			this.process = started;
			RUNNING.add(started);
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (!accepting()) {
				if (!started.isAlive()) {
					this.process = null;
					RUNNING.remove(started);
					throw new IllegalStateException("sshd exited with " + started.exitValue() + ":\n" + log());
				}
				if (System.nanoTime() > deadline) {
					stop();
					throw new IllegalStateException(
							"sshd did not accept connections within " + START_TIMEOUT + ":\n" + log());
				}
				started.waitFor(50, TimeUnit.MILLISECONDS);
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
	 * Stop the server (SIGTERM) and the per-connection processes it forked, so that the
	 * sessions it served end too. Waits at most 5 seconds, then kills what is left.
	 */
	public void stop() {
		end(false);
	}

	/**
	 * Kill the server (SIGKILL, as a crash would) and the per-connection processes it
	 * forked, and wait at most 5 seconds until it is gone.
	 */
	public void kill() {
		end(true);
	}

	/**
	 * Stop, then start again on the same port with the same keys.
	 * @return this server
	 */
	public synchronized OpenSshServer restart() {
		stop();
		return start();
	}

	/**
	 * Whether the {@code sshd} this server started is alive.
	 * @return whether it runs
	 */
	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Generate a new ed25519 host key in place: the next start presents a changed ed25519
	 * key (the ECDSA and RSA keys stay).
	 */
	public void replaceHostKey() {
		replaceHostKey("ed25519");
	}

	/**
	 * Generate new host keys of every type in place: the next start presents changed
	 * keys.
	 */
	public void replaceHostKeys() {
		HOST_KEY_TYPES.forEach(this::replaceHostKey);
	}

	/**
	 * Return the port on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the user that may log in (the current user).
	 * @return the user name
	 */
	public String user() {
		return this.user;
	}

	/**
	 * Return the directory that holds the configuration, keys and log.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Return the ed25519 host key as a public key line (the content of its {@code .pub}
	 * file: {@code ssh-ed25519 AAAA... comment}).
	 * @return the public key line
	 */
	public String hostKeyPublicLine() {
		return hostKeyLine("ed25519");
	}

	/**
	 * Return the public key line of one of the host keys.
	 * @param type {@code ed25519}, {@code ecdsa} or {@code rsa}
	 * @return the public key line
	 */
	public String hostKeyLine(String type) {
		try {
			return Files.readString(hostKeyPub(type)).trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Write a known_hosts file that holds the ed25519 host key of this server.
	 * @param file the file to write
	 * @param hashed whether to hash the host names ({@code ssh-keygen -H})
	 * @return the file
	 */
	public Path writeKnownHosts(Path file, boolean hashed) {
		return writeKnownHosts(file, "ed25519", hashed);
	}

	/**
	 * Write a known_hosts file that holds one host key of this server, for
	 * {@code [127.0.0.1]:port}.
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
				run(SSH_KEYGEN, "-H", "-f", file.toString());
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
			Path log = logFile();
			return Files.exists(log) ? Files.readString(log) : "";
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	/**
	 * Stop the server and delete its directory.
	 */
	@Override
	public void close() {
		try {
			stop();
		}
		finally {
			deleteDirectory();
		}
	}

	private synchronized void end(boolean forcibly) {
		Process current = this.process;
		this.process = null;
		if (current == null) {
			return;
		}
		// the per-connection sshd processes are children of the listener: end them too
		List<ProcessHandle> children = current.descendants().toList();
		if (forcibly) {
			children.forEach(ProcessHandle::destroyForcibly);
			current.destroyForcibly();
		}
		else {
			children.forEach(ProcessHandle::destroy);
			current.destroy();
		}
		try {
			if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				current.destroyForcibly();
				if (!current.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					throw new IllegalStateException("sshd (pid " + current.pid() + ") did not stop");
				}
			}
			for (ProcessHandle child : children) {
				child.onExit().completeOnTimeout(child, STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
				child.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			RUNNING.remove(current);
		}
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

	private void replaceHostKey(String type) {
		try {
			Files.deleteIfExists(hostKey(type));
			Files.deleteIfExists(hostKeyPub(type));
			generateHostKey(type);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private Path config() {
		return this.directory.resolve("sshd_config");
	}

	private Path authorizedKeys() {
		return this.directory.resolve("authorized_keys");
	}

	private Path logFile() {
		return this.directory.resolve("sshd.log");
	}

	private Path hostKey(String type) {
		return this.directory.resolve("ssh_host_" + type + "_key");
	}

	private Path hostKeyPub(String type) {
		return this.directory.resolve("ssh_host_" + type + "_key.pub");
	}

	private void generateHostKey(String type) throws IOException {
		List<String> command = new ArrayList<>(List.of(SSH_KEYGEN, "-q", "-t", type, "-N", "", "-C",
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
		for (String type : HOST_KEY_TYPES) {
			lines.add("HostKey " + hostKey(type));
		}
		lines.add("PidFile " + this.directory.resolve("sshd.pid"));
		lines.add("AuthorizedKeysFile " + authorizedKeys());
		lines.add("UsePAM no");
		lines.add("StrictModes no");
		lines.add("PasswordAuthentication no");
		lines.add("KbdInteractiveAuthentication no");
		lines.add("PubkeyAuthentication yes");
		lines.add("PermitRootLogin yes");
		lines.add("AllowUsers " + this.user);
		lines.add("AllowTcpForwarding yes");
		lines.add("PermitOpen 127.0.0.1:* localhost:*");
		lines.add("X11Forwarding no");
		lines.add("PrintMotd no");
		lines.add("LogLevel VERBOSE");
		lines.add("MaxStartups 100");
		// the test's own lines replace the defaults of the same keyword (sshd takes the
		// first value of most keywords, the last of some, such as MaxStartups)
		Set<String> keywords = this.extraConfig.stream().map(OpenSshServer::keyword).collect(Collectors.toSet());
		lines.removeIf((line) -> keywords.contains(keyword(line)));
		lines.addAll(this.extraConfig);
		Files.write(config(), lines, StandardCharsets.UTF_8);
	}

	private static String keyword(String line) {
		return line.trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
	}

	private void deleteDirectory() {
		if (!Files.exists(this.directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(this.directory)) {
			for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void destroyNow(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
	}

	private static void run(String... command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
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

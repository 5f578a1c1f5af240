package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server started by a test from the machine's PostgreSQL binaries
 * ({@code /usr/lib/postgresql/<version>/bin}): its own data directory, its own port on
 * 127.0.0.1, {@code ssl=on} with a certificate for {@code localhost} only, signed by a CA
 * made here with the {@code openssl} command, and trust authentication. Runs as the
 * {@code postgres} OS user (tests run as root). Stopped by {@code pg_ctl stop}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TestPostgres implements AutoCloseable {

	private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

	private final Path directory;

	private final Path bin;

	private final int port;

	private TestPostgres(Path directory, Path bin, int port) {
		this.directory = directory;
		this.bin = bin;
		this.port = port;
	}

	/**
	 * Whether this machine has the PostgreSQL server binaries, {@code runuser}, a
	 * {@code postgres} user and {@code openssl}.
	 * @return whether {@link #start} can work
	 */
	public static boolean available() {
		return binaries() != null && Files.isExecutable(Path.of("/usr/sbin/runuser"))
				&& Files.isExecutable(Path.of("/usr/bin/openssl"));
	}

	private static Path binaries() {
		Path root = Path.of("/usr/lib/postgresql");
		if (!Files.isDirectory(root)) {
			return null;
		}
		try (Stream<Path> versions = Files.list(root)) {
			return versions.map((version) -> version.resolve("bin"))
				.filter((bin) -> Files.isExecutable(bin.resolve("initdb")))
				.max(Comparator.naturalOrder())
				.orElse(null);
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Create the CA, the server certificate and the cluster, and start it.
	 * @return the running server
	 * @throws Exception if any step fails
	 */
	public static TestPostgres start() throws Exception {
		Path directory = Files.createTempDirectory("ssh-tunnel-pg");
		Path bin = binaries();
		int port = freePort();
		TestPostgres postgres = new TestPostgres(directory, bin, port);
		try {
			postgres.makeCertificates();
			Path data = directory.resolve("data");
			run(List.of("chown", "-R", "postgres", directory.toString()));
			runAsPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
					"--no-sync");
			Files.writeString(data.resolve("postgresql.conf"),
					"\nport = " + port + "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" + directory
							+ "'\nssl = on\nssl_cert_file = '" + directory.resolve("server.crt") + "'\nssl_key_file = '"
							+ directory.resolve("server.key") + "'\nfsync = off\n",
					java.nio.file.StandardOpenOption.APPEND);
			runAsPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
					directory.resolve("postgres.log").toString(), "-w", "-t", "60", "start");
			return postgres;
		}
		catch (Exception ex) {
			postgres.close();
			throw ex;
		}
	}

	private void makeCertificates() throws Exception {
		Path d = this.directory;
		run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
				"/CN=ssh-tunnel test CA", "-keyout", d.resolve("ca.key").toString(), "-out",
				d.resolve("ca.pem").toString()));
		Files.writeString(d.resolve("server.ext"), "subjectAltName=DNS:localhost\n");
		run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
				d.resolve("server.key").toString(), "-out", d.resolve("server.csr").toString()));
		run(List.of("openssl", "x509", "-req", "-in", d.resolve("server.csr").toString(), "-CA",
				d.resolve("ca.pem").toString(), "-CAkey", d.resolve("ca.key").toString(), "-CAcreateserial", "-days",
				"2", "-extfile", d.resolve("server.ext").toString(), "-out", d.resolve("server.crt").toString()));
		run(List.of("chmod", "600", d.resolve("server.key").toString()));
	}

	/**
	 * Return the port the server listens on (127.0.0.1 only).
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the CA certificate that signed the server's certificate (for
	 * {@code sslrootcert}).
	 * @return the PEM file
	 */
	public Path caCertificate() {
		return this.directory.resolve("ca.pem");
	}

	@Override
	public void close() throws Exception {
		try {
			if (this.bin != null && Files.exists(this.directory.resolve("data/postmaster.pid"))) {
				runAsPostgres(this.bin.resolve("pg_ctl").toString(), "-D", this.directory.resolve("data").toString(),
						"-m", "immediate", "-w", "-t", "30", "stop");
			}
		}
		finally {
			run(List.of("rm", "-rf", this.directory.toString()));
		}
	}

	private static void runAsPostgres(String... command) throws Exception {
		List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
		all.addAll(List.of(command));
		run(all);
	}

	private static void run(List<String> command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		process.getOutputStream().close();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("Timed out: " + command);
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException(
					"Failed (" + process.exitValue() + "): " + command + "\n" + new String(output));
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}

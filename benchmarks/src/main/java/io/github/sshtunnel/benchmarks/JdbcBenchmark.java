package io.github.sshtunnel.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The JDBC part of the benchmark: pgjdbc {@code select 1} round trips per second with 1
 * and 8 threads, and new connections per second, for no tunnel, OpenSSH {@code ssh -L}
 * and the starter in port mode (its local forward) and in socket mode (no local port).
 * Each configuration runs its load ({@link JdbcLoad}) in a fresh JVM with the same
 * warm-up: for the starter, the JVM that holds the tunnel.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class JdbcBenchmark {

	static final String ROUND_TRIPS_1 = "JDBC select 1, 1 thread (round trips/s)";

	static final String ROUND_TRIPS_8 = "JDBC select 1, 8 threads, a connection each (round trips/s)";

	static final String CONNECTIONS = "JDBC new connections, open + select 1 + close, 1 thread (per s)";

	static final String PORT_MODE = "starter, port mode (local forward)";

	static final String SOCKET_MODE = "starter, socket mode";

	/**
	 * Where the figures go.
	 */
	interface Recorder {

		void record(String figure, String config, double value);

	}

	/**
	 * The peers the runner started and how to reach them.
	 *
	 * @param work the work directory (logs)
	 * @param sshPort the private sshd's port
	 * @param pgPort the private PostgreSQL's port
	 * @param user the SSH user
	 * @param clientKey the client's private key
	 * @param knownHosts the known_hosts file with the sshd's key
	 */
	record Peers(Path work, int sshPort, int pgPort, String user, Path clientKey, Path knownHosts) {
	}

	private final Peers peers;

	private final Function<List<String>, List<String>> sshCommand;

	private final Supplier<List<String>> javaCommand;

	private final Recorder recorder;

	private final Duration duration;

	private final Duration warmup;

	JdbcBenchmark(Peers peers, Function<List<String>, List<String>> sshCommand, Supplier<List<String>> javaCommand,
			Recorder recorder, boolean smoke) {
		this.peers = peers;
		this.sshCommand = sshCommand;
		this.javaCommand = javaCommand;
		this.recorder = recorder;
		this.duration = Duration.ofSeconds(smoke ? 1 : Long.getLong("bench.jdbc-seconds", 10));
		this.warmup = Duration.ofSeconds(smoke ? 1 : Long.getLong("bench.jdbc-warmup-seconds", 10));
	}

	/**
	 * Measure every configuration, rotated in each repetition.
	 * @param repetitions the repetitions
	 * @param only the configurations to measure ({@code bench.configs}), or {@code null}
	 * for all
	 * @throws IOException if a configuration fails
	 */
	void run(int repetitions, List<String> only) throws IOException {
		List<String> configs = new ArrayList<>(
				List.of("no tunnel", "ssh -N -L", "ssh -tt -L (TCP_NODELAY)", PORT_MODE, SOCKET_MODE));
		if (only != null) {
			configs.removeIf((config) -> !only.contains(config));
		}
		for (int repetition = 0; repetition < repetitions; repetition++) {
			for (int i = 0; i < configs.size(); i++) {
				String config = configs.get((i + repetition) % configs.size());
				System.out.printf("JDBC, repetition %d/%d: %s%n", repetition + 1, repetitions, config);
				String line = measure(config);
				this.recorder.record(ROUND_TRIPS_1, config, value(line, "roundTrips1"));
				this.recorder.record(ROUND_TRIPS_8, config, value(line, "roundTrips8"));
				this.recorder.record(CONNECTIONS, config, value(line, "connections"));
			}
		}
	}

	String note() {
		return "JDBC: pgjdbc in a fresh JVM per configuration and repetition; after a " + this.warmup.toSeconds()
				+ " s warm-up (8 connections, then new connections), " + this.duration.toSeconds()
				+ " s each of select 1 on 1 connection, on 8 connections (a thread each), and open + select 1 + close "
				+ "on 1 thread. For the starter the load runs in the Boot application that holds the tunnel; "
				+ "'port mode' is its local forward (ssh.tunnel.forwards.db, URL to 127.0.0.1:<local port>), "
				+ "'socket mode' the starter's socket factory (SshTunnelJdbc.driverProperties), no local port.";
	}

	private String measure(String config) throws IOException {
		String seconds = String.valueOf(this.duration.toSeconds());
		String warmupSeconds = String.valueOf(this.warmup.toSeconds());
		Duration bound = this.warmup.multipliedBy(2).plus(this.duration.multipliedBy(3)).plusSeconds(120);
		List<String> command = new ArrayList<>(this.javaCommand.get());
		if (config.startsWith("starter")) {
			boolean socket = config.equals(SOCKET_MODE);
			command.addAll(List.of("jdbc-starter", socket ? "socket" : "port", String.valueOf(this.peers.pgPort()),
					seconds, warmupSeconds, "--ssh.tunnel.host=127.0.0.1", "--ssh.tunnel.port=" + this.peers.sshPort(),
					"--ssh.tunnel.username=" + this.peers.user(),
					"--ssh.tunnel.private-key=file:" + this.peers.clientKey(),
					"--ssh.tunnel.known-hosts=file:" + this.peers.knownHosts()));
			if (!socket) {
				command.addAll(List.of("--ssh.tunnel.forwards.db.remote-host=127.0.0.1",
						"--ssh.tunnel.forwards.db.remote-port=" + this.peers.pgPort()));
			}
			return jdbcLine(Peer.run(bound, command));
		}
		if (!config.startsWith("ssh")) {
			command.addAll(List.of("jdbc-load", url(this.peers.pgPort()), seconds, warmupSeconds));
			return jdbcLine(Peer.run(bound, command));
		}
		int local = Peer.freePort();
		List<String> ssh = new ArrayList<>(this.sshCommand.apply(List.of(config.contains("-tt") ? "-tt" : "-N")));
		ssh.addAll(List.of("-L", "127.0.0.1:" + local + ":127.0.0.1:" + this.peers.pgPort(),
				this.peers.user() + "@127.0.0.1"));
		if (config.contains("-tt")) {
			ssh.addAll(List.of("sleep", "3600"));
		}
		try (Peer forwarder = Peer.start("jdbc " + config, this.peers.work(), ssh)) {
			Peer.awaitPort(local, Duration.ofSeconds(30));
			command.addAll(List.of("jdbc-load", url(local), seconds, warmupSeconds));
			return jdbcLine(Peer.run(bound, command));
		}
	}

	private static String url(int port) {
		return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
	}

	private static String jdbcLine(String output) throws IOException {
		return output.lines()
			.filter((line) -> line.startsWith(JdbcLoad.PREFIX + " "))
			.findFirst()
			.orElseThrow(() -> new IOException("No JDBC figures in: " + output));
	}

	private static double value(String line, String key) {
		return Double.parseDouble(line.replaceAll(".*\\b" + key + "=([0-9.]+).*", "$1"));
	}

}

package io.github.sshtunnel.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs the whole benchmark in one go: starts a private OpenSSH {@code sshd}, a private
 * PostgreSQL and an iperf3 server on loopback, then starts and warms up every
 * configuration's forwarder, keeps them all running, and measures each figure for all
 * configurations back to back, rotating their order in each repetition so that machine
 * noise hits all alike; it prints median and min-max with the ratios to OpenSSH, overall
 * and per repetition.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class BenchmarkRunner {

	private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");

	private static final Pattern TRANSACTIONS = Pattern.compile("number of transactions actually processed: ([0-9]+)");

	private static final Pattern RECEIVED = Pattern.compile(
			"\"sum_received\"\\s*:\\s*\\{[^}]*?\"bytes\"\\s*:\\s*([0-9]+)[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)");

	private final boolean smoke;

	/**
	 * The re-exchange soak instead of the other figures ({@code --rekey}).
	 */
	private final boolean rekey;

	/**
	 * The sshd's {@code RekeyLimit} in the re-exchange soak; {@code _} stands for a space
	 * (for example {@code 64M_10s}), so the value survives {@code BENCH_JAVA_OPTS}.
	 */
	private static final String DEFAULT_OTHER_JDK = "/usr/lib/jvm/temurin-25-jdk-amd64";

	private final String rekeyLimit = System.getProperty("bench.rekey-limit", "1M 1s").replace('_', ' ');

	private final Duration soakTime;

	/**
	 * The JDBC part only ({@code --jdbc}).
	 */
	private final boolean jdbcOnly;

	private Peer sshd;

	private final int repetitions;

	private final boolean forwardingOnly;

	private final Duration iperfTime;

	private final Duration pgbenchTime;

	private final Duration warmup;

	private final Path work;

	private final String user = System.getProperty("user.name");

	private final Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();

	private final List<String> notes = new ArrayList<>();

	/**
	 * The figures measured in {@link #measureForwarding}'s repetitions, whose values can
	 * be compared per repetition.
	 */
	private final Set<String> pairedFigures = new HashSet<>();

	private boolean inRepetitions;

	private int sshPort;

	private int iperfPort;

	private int pgPort;

	private Path clientKey;

	private Path knownHosts;

	private BenchmarkRunner(boolean smoke, boolean rekey, boolean jdbcOnly, boolean forwardingOnly) throws IOException {
		this.smoke = smoke;
		this.forwardingOnly = forwardingOnly;
		this.rekey = rekey;
		this.jdbcOnly = jdbcOnly;
		this.soakTime = Duration.ofSeconds(smoke ? 3 : Long.getLong("bench.soak-seconds", 600));
		this.repetitions = smoke ? 1 : Integer.getInteger("bench.repetitions", 5);
		this.iperfTime = Duration.ofSeconds(smoke ? 1 : Long.getLong("bench.iperf-seconds", 5));
		this.pgbenchTime = Duration.ofSeconds(smoke ? 1 : Long.getLong("bench.pgbench-seconds", 10));
		this.warmup = Duration.ofSeconds(smoke ? 1 : Long.getLong("bench.warmup-seconds", 20));
		this.work = Files.createTempDirectory("ssh-tunnel-bench");
	}

	public static void main(String[] args) throws Exception {
		boolean smoke = Arrays.asList(args).contains("--smoke");
		boolean rekey = Arrays.asList(args).contains("--rekey");
		boolean jdbc = Arrays.asList(args).contains("--jdbc");
		boolean forwarding = Arrays.asList(args).contains("--forwarding");
		new BenchmarkRunner(smoke, rekey, jdbc, forwarding).run();
	}

	private void run() throws Exception {
		System.out.println("# SSH tunnel benchmark" + (this.smoke ? " (smoke: seconds, asserts nothing)" : ""));
		System.out.println("work directory: " + this.work);
		List<AutoCloseable> peers = new ArrayList<>();
		Thread cleanup = new Thread(() -> closeAll(peers), "benchmark-cleanup");
		Runtime.getRuntime().addShutdownHook(cleanup);
		try {
			this.sshd = startSshd();
			peers.add(this.sshd);
			if (!this.jdbcOnly) {
				peers.add(startIperf());
			}
			peers.add(startPostgres());
			if (this.rekey) {
				soakThroughReExchanges();
				return;
			}
			if (this.jdbcOnly) {
				measureJdbc();
				return;
			}
			measureForwarding(configs());
			if (!this.forwardingOnly) {
				measureJdbc();
				measureOpenTimes();
				measureFootprint();
			}
		}
		finally {
			closeAll(peers);
			Runtime.getRuntime().removeShutdownHook(cleanup);
			report(this.rekey ? "-rekey" : (this.jdbcOnly ? "-jdbc" : ""));
		}
	}

	private void report(String suffix) throws IOException {
		String report = report();
		System.out.println();
		System.out.println(report);
		Path results = Path.of("benchmarks", "results");
		if (Files.isDirectory(results.getParent())) {
			Files.createDirectories(results);
			Path file = results.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
					+ suffix + (this.smoke ? "-smoke" : "") + ".md");
			Files.writeString(file, report, StandardCharsets.UTF_8);
			System.out.println("written to " + file);
		}
	}

	// ---- peers ----------------------------------------------------------------------

	private static synchronized void closeAll(List<AutoCloseable> peers) {
		for (int i = peers.size() - 1; i >= 0; i--) {
			try {
				peers.get(i).close();
			}
			catch (Exception ex) {
				System.err.println("Could not stop a peer: " + ex);
			}
		}
		peers.clear();
	}

	private Peer startSshd() throws IOException {
		this.sshPort = Peer.freePort();
		Path hostKey = this.work.resolve("ssh_host_ed25519_key");
		this.clientKey = this.work.resolve("id_ed25519");
		Peer.run(Duration.ofSeconds(30),
				List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString()));
		Peer.run(Duration.ofSeconds(30),
				List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", this.clientKey.toString()));
		Files.copy(Path.of(this.clientKey + ".pub"), this.work.resolve("authorized_keys"));
		Path config = this.work.resolve("sshd_config");
		Files.write(config,
				List.of("ListenAddress 127.0.0.1", "Port " + this.sshPort, "HostKey " + hostKey,
						"PidFile " + this.work.resolve("sshd.pid"),
						"AuthorizedKeysFile " + this.work.resolve("authorized_keys"), "UsePAM no", "StrictModes no",
						"PasswordAuthentication no", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
						"PermitRootLogin prohibit-password", "AllowUsers " + this.user, "AllowTcpForwarding local",
						"PermitOpen 127.0.0.1:*", "X11Forwarding no", "PrintMotd no", "MaxStartups 100:30:200",
						"MaxSessions 100"));
		String extra = System.getProperty("bench.sshd-config");
		if (extra != null) {
			// for diagnosis, for example LogLevel_DEBUG3; '_' stands for a space
			Files.write(config, List.of(extra.replace('_', ' ')), java.nio.file.StandardOpenOption.APPEND);
		}
		if (this.rekey) {
			// frequent re-exchanges; DEBUG1 logs each completed one ("SSH2_MSG_NEWKEYS
			// received")
			Files.write(config, List.of("RekeyLimit " + this.rekeyLimit, "LogLevel DEBUG1"),
					java.nio.file.StandardOpenOption.APPEND);
		}
		Files.createDirectories(Path.of("/run/sshd"));
		String sshd = Files.exists(Path.of("/usr/sbin/sshd")) ? "/usr/sbin/sshd" : "sshd";
		Peer.run(Duration.ofSeconds(30), List.of(sshd, "-t", "-f", config.toString()));
		Peer peer = Peer.start("sshd", this.work, List.of(sshd, "-D", "-e", "-f", config.toString()));
		Peer.awaitPort(this.sshPort, Duration.ofSeconds(15));
		String hostKeyLine = Files.readString(Path.of(hostKey + ".pub")).trim();
		this.knownHosts = this.work.resolve("known_hosts");
		String[] parts = hostKeyLine.split(" ");
		Files.writeString(this.knownHosts, "[127.0.0.1]:" + this.sshPort + " " + parts[0] + " " + parts[1] + "\n");
		System.out.println("sshd on 127.0.0.1:" + this.sshPort);
		return peer;
	}

	private Peer startIperf() throws IOException {
		this.iperfPort = Peer.freePort();
		Peer peer = Peer.start("iperf3-server", this.work,
				List.of("iperf3", "-s", "-B", "127.0.0.1", "-p", String.valueOf(this.iperfPort)));
		Peer.awaitPort(this.iperfPort, Duration.ofSeconds(15));
		System.out.println("iperf3 server on 127.0.0.1:" + this.iperfPort);
		return peer;
	}

	private AutoCloseable startPostgres() throws IOException {
		this.pgPort = Peer.freePort();
		Path bin = postgresBin();
		Path data = this.work.resolve("pgdata");
		Files.createDirectories(data);
		boolean root = "root".equals(this.user);
		if (root) {
			Peer.run(Duration.ofSeconds(30), List.of("chown", "-R", "postgres:postgres", this.work.toString()));
			Peer.run(Duration.ofSeconds(30), List.of("chmod", "755", this.work.toString()));
		}
		Peer.run(Duration.ofMinutes(2), asPostgres(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-A",
				"trust", "-U", "postgres"));
		Peer.run(Duration.ofMinutes(1),
				asPostgres(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
						this.work.resolve("postgres.log").toString(), "-w", "-o",
						"-p " + this.pgPort + " -k " + data + " -c listen_addresses=127.0.0.1 -c max_connections=200",
						"start"));
		Peer.run(Duration.ofMinutes(5), List.of("pgbench", "-q", "-i", "-s", this.smoke ? "1" : "10", "-h", "127.0.0.1",
				"-p", String.valueOf(this.pgPort), "-U", "postgres", "postgres"));
		System.out.println("PostgreSQL on 127.0.0.1:" + this.pgPort);
		return () -> Peer.run(Duration.ofMinutes(1),
				asPostgres(root, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"));
	}

	private static List<String> asPostgres(boolean root, String... command) {
		List<String> result = new ArrayList<>();
		if (root) {
			result.addAll(List.of("runuser", "-u", "postgres", "--"));
		}
		result.addAll(List.of(command));
		return result;
	}

	private static Path postgresBin() throws IOException {
		try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
			return versions.max(Comparator.naturalOrder())
				.map((version) -> version.resolve("bin"))
				.orElseThrow(() -> new IOException("No PostgreSQL server under /usr/lib/postgresql"));
		}
	}

	// ---- configurations -------------------------------------------------------------

	private List<Config> configs() {
		List<Config> configs = new ArrayList<>();
		configs.add(new Config("no tunnel", null, false, null));
		configs.add(new Config("ssh -N -L", sshCommand(List.of("-N")), true, null));
		configs.add(new Config("ssh -N -L -c aes128-gcm", sshCommand(List.of("-N", "-c", "aes128-gcm@openssh.com")),
				true, null));
		configs.add(new Config("ssh -tt -L (TCP_NODELAY)", sshCommand(List.of("-tt")), true, null));
		configs.add(new Config("starter", null, false, null));
		for (Path jdk : otherJdks()) {
			configs.add(new Config("starter (Java " + featureVersion(jdk) + ")", null, false, jdk));
		}
		String only = System.getProperty("bench.configs");
		if (only != null) {
			List<String> names = Arrays.asList(only.split(","));
			configs.removeIf((config) -> !names.contains(config.name));
		}
		return configs;
	}

	private List<String> sshCommand(List<String> options) {
		List<String> command = new ArrayList<>(List.of("ssh", "-p", String.valueOf(this.sshPort), "-i",
				this.clientKey.toString(), "-o", "UserKnownHostsFile=" + this.knownHosts, "-o",
				"StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-o",
				"ServerAliveInterval=15", "-F", "/dev/null"));
		command.addAll(options);
		return command;
	}

	/**
	 * Every forwarding figure of every configuration. All forwarders run side by side for
	 * the whole measurement, each warmed up once, as a tunnel that lives as long as its
	 * application; then every repetition runs each figure for all configurations back to
	 * back, in an order rotated per repetition, so that each figure of a repetition is
	 * measured for all of them within a minute or two and its ratios to OpenSSH can be
	 * taken per repetition ({@link #report()}).
	 * @param configs the configurations
	 */
	private void measureForwarding(List<Config> configs) throws Exception {
		Map<Config, Forwarding> forwardings = new LinkedHashMap<>();
		try {
			for (Config config : configs) {
				System.out.printf("start and warm up: %s%n", config.name);
				Forwarding forwarding = startForwarding(config);
				forwardings.put(config, forwarding);
				warmUp(config, forwarding);
			}
			List<Step> steps = List.of(new Step("bulk upload, 1 stream (MB/s)", true, List.of()),
					new Step("bulk download, 1 stream (MB/s)", true, List.of("-R")),
					new Step("bulk upload, 4 streams (MB/s)", true, List.of("-P", "4")),
					new Step("bulk download, 4 streams (MB/s)", true, List.of("-P", "4", "-R")),
					new Step("pgbench -S -c 8 -j 2 (TPS)", false, List.of()),
					new Step("pgbench -S -C -c 8 -j 2, new connection per transaction (TPS)", false, List.of("-C")));
			this.inRepetitions = true;
			for (int repetition = 0; repetition < this.repetitions; repetition++) {
				for (Step step : steps) {
					System.out.printf("repetition %d/%d: %s%n", repetition + 1, this.repetitions, step.figure());
					for (int i = 0; i < configs.size(); i++) {
						Config config = configs.get((i + repetition) % configs.size());
						Forwarding forwarding = forwardings.get(config);
						if (step.iperf()) {
							iperf(config, forwarding.forwarder(), forwarding.iperfPort(), step.figure(),
									step.options());
						}
						else {
							pgbench(config, forwarding.forwarder(), forwarding.pgPort(), step.figure(), step.options());
						}
					}
				}
			}
		}
		finally {
			this.inRepetitions = false;
			for (Forwarding forwarding : forwardings.values()) {
				if (forwarding.forwarder() != null) {
					forwarding.forwarder().close();
				}
			}
		}
	}

	/**
	 * The same warm-up for every configuration, right after its forwarder started: a
	 * long-lived tunnel runs with its code compiled by the JIT, which takes some 20 s of
	 * traffic (see docs/performance.md); the first 5 s are recorded on their own.
	 */
	private void warmUp(Config config, Forwarding forwarding) throws IOException {
		Peer forwarder = forwarding.forwarder();
		iperf(config, forwarder, forwarding.iperfPort(), "bulk upload, 1 stream, first 5 s after start (MB/s)",
				List.of("-t", this.smoke ? "1" : "5"));
		iperf(config, forwarder, forwarding.iperfPort(), null, List.of("-t", String.valueOf(this.warmup.toSeconds())));
		iperf(config, forwarder, forwarding.iperfPort(), null,
				List.of("-t", String.valueOf(this.warmup.toSeconds()), "-R"));
		// new connections too: the code that opens and closes channels is not on the bulk
		// path, and without this the JIT compiled it during the recorded -C run (28% of
		// the starter's CPU there, docs/performance.md, step 8)
		pgbench(config, null, forwarding.pgPort(), null, List.of("-C", "-T", String.valueOf(this.warmup.toSeconds())));
	}

	/**
	 * One figure of a repetition.
	 *
	 * @param figure its name in the report
	 * @param iperf whether iperf3 measures it, else pgbench
	 * @param options the tool's options
	 */
	private record Step(String figure, boolean iperf, List<String> options) {
	}

	/**
	 * Start the configuration's forwarder, if any.
	 * @return the forwarder ({@code null} without a tunnel) and the ports to use
	 */
	private Forwarding startForwarding(Config config) throws IOException {
		if (config.name.startsWith("starter")) {
			Peer starter = startStarter(config);
			String ready = starter.awaitLine("READY", Duration.ofSeconds(60));
			return new Forwarding(starter, Integer.parseInt(ready.replaceAll(".*iperf=([0-9]+).*", "$1")),
					Integer.parseInt(ready.replaceAll(".*pg=([0-9]+).*", "$1")));
		}
		if (config.ssh == null) {
			return new Forwarding(null, this.iperfPort, this.pgPort);
		}
		int localIperf = Peer.freePort();
		int localPg = Peer.freePort();
		List<String> command = new ArrayList<>(config.ssh);
		command.addAll(List.of("-L", "127.0.0.1:" + localIperf + ":127.0.0.1:" + this.iperfPort, "-L",
				"127.0.0.1:" + localPg + ":127.0.0.1:" + this.pgPort, this.user + "@127.0.0.1"));
		if (config.name.contains("-tt")) {
			command.addAll(List.of("sleep", "86400"));
		}
		Peer ssh = Peer.start(config.name, this.work, command);
		// probe only the PostgreSQL forward: a probe of the iperf3 forward would look
		// like an aborted test to the iperf3 server; ssh binds both at once
		Peer.awaitPort(localPg, Duration.ofSeconds(30));
		return new Forwarding(ssh, localIperf, localPg);
	}

	private record Forwarding(Peer forwarder, int iperfPort, int pgPort) {
	}

	private Peer startStarter(Config config) throws IOException {
		List<String> command = new ArrayList<>(javaCommand(config.javaHome));
		String options = System.getProperty("bench.starter-java-options", "").trim();
		if (!options.isEmpty()) {
			// for A/B experiments: JVM options of the starter's process, space-separated
			command.addAll(1, Arrays.asList(options.split("\\s+")));
		}
		if (Boolean.getBoolean("bench.jfr")) {
			// a flight recording of every starter run, for the profile in
			// docs/performance.md
			Path recording = this.work
				.resolve("starter-" + config.name.replaceAll("[^A-Za-z0-9]+", "-") + "-" + System.nanoTime() + ".jfr");
			command.add(1, "-XX:StartFlightRecording=filename=" + recording + ",settings=profile,dumponexit=true");
			System.out.println("flight recording: " + recording);
		}
		command.addAll(List.of("tunnel", "--ssh.tunnel.host=127.0.0.1", "--ssh.tunnel.port=" + this.sshPort,
				"--ssh.tunnel.username=" + this.user, "--ssh.tunnel.private-key=file:" + this.clientKey,
				"--ssh.tunnel.known-hosts=file:" + this.knownHosts, "--ssh.tunnel.forwards.iperf.remote-host=127.0.0.1",
				"--ssh.tunnel.forwards.iperf.remote-port=" + this.iperfPort,
				"--ssh.tunnel.forwards.pg.remote-host=127.0.0.1",
				"--ssh.tunnel.forwards.pg.remote-port=" + this.pgPort));
		return Peer.startPiped("starter", this.work, command);
	}

	private static List<String> javaCommand() {
		return javaCommand(null);
	}

	/**
	 * The command that starts this jar's main class.
	 * @param javaHome the JDK to run it on, or {@code null} for this runner's
	 */
	private static List<String> javaCommand(Path javaHome) {
		List<String> command = new ArrayList<>();
		Path home = (javaHome != null) ? javaHome : Path.of(System.getProperty("java.home"));
		command.add(home.resolve("bin").resolve("java").toString());
		for (String property : List.of("bench.kex")) {
			if (System.getProperty(property) != null) {
				command.add("-D" + property + "=" + System.getProperty(property));
			}
		}
		String classPath = System.getProperty("java.class.path");
		if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
			// the executable jar this runner was started from
			command.addAll(List.of("-jar", classPath));
		}
		else {
			command.addAll(List.of("-cp", classPath, Benchmarks.class.getName()));
		}
		return command;
	}

	private void iperf(Config config, Peer forwarder, int port, String figure, List<String> options)
			throws IOException {
		List<String> command = new ArrayList<>(List.of("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port), "-J"));
		if (!options.contains("-t")) {
			command.addAll(List.of("-t", String.valueOf(this.iperfTime.toSeconds())));
		}
		command.addAll(options);
		String output = null;
		double cpuBefore = -1;
		double cpuAfter = -1;
		double serverBefore = -1;
		double serverAfter = -1;
		long started = 0;
		long ended = 0;
		Process perf = null;
		for (int attempt = 1; output == null; attempt++) {
			cpuBefore = (forwarder != null) ? forwarder.cpuSeconds() : -1;
			serverBefore = serverCpuSeconds(forwarder);
			if (perf == null && figure != null && forwarder != null && options.size() <= 1) {
				perf = countSshdCalls(this.iperfTime.toSeconds());
			}
			started = System.nanoTime();
			try {
				output = Peer.run(this.iperfTime.plusSeconds(60), command);
				if (output.contains("\"error\"")) {
					throw new IOException("iperf3 failed: " + output);
				}
			}
			catch (IOException ex) {
				// the iperf3 server serves one test at a time and may still be finishing
				// the previous one
				output = null;
				if (attempt == 10) {
					throw ex;
				}
				Peer.pause(Duration.ofMillis(500));
			}
			cpuAfter = (forwarder != null) ? forwarder.cpuSeconds() : -1;
			serverAfter = serverCpuSeconds(forwarder);
			ended = System.nanoTime();
		}
		int summary = output.lastIndexOf("\"sum_received\"");
		Matcher matcher = RECEIVED.matcher(output.substring(Math.max(summary, 0)));
		boolean found = matcher.find();
		if (perf != null) {
			printSshdCalls(perf, config.name + ", " + figure + ", bytes " + (found ? matcher.group(1) : "?"));
		}
		if (!found) {
			throw new IOException("Unexpected iperf3 output: " + output);
		}
		if (figure == null) {
			return;
		}
		long bytes = Long.parseLong(matcher.group(1));
		double megabytesPerSecond = Double.parseDouble(matcher.group(2)) / 8 / 1_000_000;
		record(figure, config.name, megabytesPerSecond);
		if (forwarder != null && cpuBefore >= 0 && options.size() <= 1) {
			String cpuFigure = "client CPU seconds per GB, " + (options.isEmpty() ? "upload" : "download");
			record(cpuFigure, config.name, (cpuAfter - cpuBefore) / (bytes / 1e9));
		}
		if (serverBefore >= 0 && serverAfter >= 0 && options.size() <= 1) {
			// the server's side of the same transfer: with one stream sshd is one process
			// on one core, so its share of that core says whether it set the pace
			String direction = options.isEmpty() ? "upload" : "download";
			record("sshd CPU seconds per GB, " + direction, config.name, (serverAfter - serverBefore) / (bytes / 1e9));
			record("sshd CPU, % of one core, bulk " + direction + ", 1 stream", config.name,
					(serverAfter - serverBefore) * 100 / ((ended - started) / 1e9));
		}
	}

	/**
	 * With {@code -Dbench.sshd-syscalls=true} (needs {@code perf}): count the system
	 * calls of the {@code sshd} connection processes for about the given time, with the
	 * kernel's system-call trace points. {@code getpid} counts OpenSSH's log calls: 9.2
	 * calls it for every debug message, logged or not ([step 15] in docs/performance.md).
	 * @param seconds how long
	 * @return the running {@code perf stat}, or {@code null} if not asked for
	 */
	private Process countSshdCalls(long seconds) throws IOException {
		if (!Boolean.getBoolean("bench.sshd-syscalls") || this.sshd == null) {
			return null;
		}
		String pids = String.join(",", this.sshd.descendantPids().stream().map(String::valueOf).toList());
		return new ProcessBuilder("perf", "stat", "-x,", "-e",
				"task-clock,context-switches,syscalls:sys_enter_read,syscalls:sys_enter_write,"
						+ "syscalls:sys_enter_ppoll,syscalls:sys_enter_getrandom,syscalls:sys_enter_getpid",
				"-p", pids, "--", "sleep", String.valueOf(Math.max(1, seconds)))
			.redirectErrorStream(true)
			.start();
	}

	private void printSshdCalls(Process perf, String what) throws IOException {
		try {
			perf.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		StringBuilder line = new StringBuilder("sshd system calls, " + what + ":");
		for (String row : new String(perf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
			String[] cells = row.split(",");
			if (cells.length > 2) {
				line.append(' ').append(cells[2].replace("syscalls:sys_enter_", "")).append('=').append(cells[0]);
			}
		}
		System.out.println(line);
	}

	/**
	 * The CPU seconds of the benchmark's {@code sshd} connections so far, where a
	 * forwarder goes through it.
	 * @param forwarder the configuration's forwarder, {@code null} without a tunnel
	 * @return the seconds, or -1 if not measured
	 */
	private double serverCpuSeconds(Peer forwarder) {
		return (forwarder != null && this.sshd != null) ? this.sshd.descendantsCpuSeconds() : -1;
	}

	private void pgbench(Config config, Peer forwarder, int port, String figure, List<String> options)
			throws IOException {
		List<String> command = new ArrayList<>(List.of("pgbench", "-n", "-S", "-c", "8", "-j", "2"));
		if (!options.contains("-T")) {
			command.addAll(List.of("-T", String.valueOf(this.pgbenchTime.toSeconds())));
		}
		command.addAll(List.of("-h", "127.0.0.1", "-p", String.valueOf(port), "-U", "postgres"));
		command.addAll(options);
		command.add("postgres");
		double cpuBefore = (forwarder != null) ? forwarder.cpuSeconds() : -1;
		double serverBefore = serverCpuSeconds(forwarder);
		Process perf = (figure != null && forwarder != null) ? countSshdCalls(this.pgbenchTime.toSeconds() - 1) : null;
		String output = Peer.run(this.pgbenchTime.plus(this.warmup).plusSeconds(60), command);
		if (perf != null) {
			Matcher processed = TRANSACTIONS.matcher(output);
			printSshdCalls(perf,
					config.name + ", " + figure + ", transactions " + (processed.find() ? processed.group(1) : "?"));
		}
		double cpuAfter = (forwarder != null) ? forwarder.cpuSeconds() : -1;
		double serverAfter = serverCpuSeconds(forwarder);
		Matcher matcher = TPS.matcher(output);
		Matcher processed = TRANSACTIONS.matcher(output);
		if (!matcher.find() || !processed.find()) {
			throw new IOException("Unexpected pgbench output: " + output);
		}
		if (figure == null) {
			return;
		}
		record(figure, config.name, Double.parseDouble(matcher.group(1)));
		long transactions = Long.parseLong(processed.group(1));
		if (forwarder != null && cpuBefore >= 0 && transactions > 0) {
			// what the forwarder's process spends per transaction: on 2 cores it shares
			// with pgbench, PostgreSQL and sshd, its CPU is what the others do not get
			String cpuFigure = "client CPU ms per 1000 transactions, pgbench -S" + (options.isEmpty() ? "" : " -C");
			record(cpuFigure, config.name, (cpuAfter - cpuBefore) * 1e6 / transactions);
		}
		if (serverBefore >= 0 && serverAfter >= 0 && transactions > 0) {
			record("sshd CPU ms per 1000 transactions, pgbench -S" + (options.isEmpty() ? "" : " -C"), config.name,
					(serverAfter - serverBefore) * 1e6 / transactions);
		}
	}

	// ---- re-exchange soak
	// --------------------------------------------------------------

	/**
	 * Bulk both ways and queries at once for a long time through an sshd that re-keys
	 * after every {@code bench.rekey-limit}, through the best OpenSSH configuration and
	 * through the starter: what re-exchanges cost each of them, and that both keep going.
	 */
	private void soakThroughReExchanges() throws Exception {
		List<Config> configs = configs();
		configs.removeIf((config) -> !config.name.equals("ssh -N -L -c aes128-gcm") && !config.name.equals("starter"));
		for (Config config : configs) {
			System.out.printf("re-exchange soak (%s s, RekeyLimit %s): %s%n", this.soakTime.toSeconds(),
					this.rekeyLimit, config.name);
			Forwarding forwarding = startForwarding(config);
			Peer forwarder = forwarding.forwarder();
			int localIperf = forwarding.iperfPort();
			int localPg = forwarding.pgPort();
			try {
				long exchangesBefore = newKeys();
				long seconds = this.soakTime.toSeconds();
				List<String> pgbench = List.of("pgbench", "-n", "-S", "-c", "4", "-j", "2", "-T",
						String.valueOf(seconds), "-h", "127.0.0.1", "-p", String.valueOf(localPg), "-U", "postgres",
						"postgres");
				java.util.concurrent.CompletableFuture<String> queries = java.util.concurrent.CompletableFuture
					.supplyAsync(() -> {
						try {
							return Peer.run(this.soakTime.plusSeconds(120), pgbench);
						}
						catch (IOException ex) {
							return "failed: " + ex;
						}
					});
				String bulk = Peer.run(this.soakTime.plusSeconds(120), List.of("iperf3", "-c", "127.0.0.1", "-p",
						String.valueOf(localIperf), "-J", "--bidir", "-P", "2", "-t", String.valueOf(seconds)));
				String pgbenchOutput = queries.get(seconds + 180, java.util.concurrent.TimeUnit.SECONDS);
				double megabytesPerSecond = 0;
				for (String key : List.of("\"sum_received\"", "\"sum_received_bidir_reverse\"")) {
					int at = bulk.lastIndexOf(key);
					Matcher matcher = Pattern
						.compile(key + "\\s*:\\s*\\{[^}]*?\"bits_per_second\"\\s*:\\s*([0-9.eE+]+)")
						.matcher(bulk.substring(Math.max(at, 0)));
					if (at < 0 || !matcher.find()) {
						throw new IOException("Unexpected iperf3 output: " + bulk);
					}
					megabytesPerSecond += Double.parseDouble(matcher.group(1)) / 8 / 1_000_000;
				}
				Matcher tps = TPS.matcher(pgbenchOutput);
				if (!tps.find()) {
					throw new IOException("Unexpected pgbench output: " + pgbenchOutput);
				}
				record("re-exchange soak: iperf3 --bidir -P 2, both directions together (MB/s)", config.name,
						megabytesPerSecond);
				record("re-exchange soak: pgbench -S -c 4 beside it (TPS)", config.name,
						Double.parseDouble(tps.group(1)));
				record("re-exchange soak: key exchanges completed", config.name, newKeys() - exchangesBefore);
			}
			finally {
				if (forwarder != null) {
					forwarder.close();
				}
			}
		}
		this.notes.add("Re-exchange soak: sshd with 'RekeyLimit " + this.rekeyLimit + "', for "
				+ this.soakTime.toSeconds() + " s iperf3 --bidir -P 2 and pgbench -S -c 4 -j 2 at the same time "
				+ "through one tunnel; key exchanges counted from sshd's log (each 'SSH2_MSG_NEWKEYS received').");
	}

	private long newKeys() {
		return this.sshd.log().lines().filter((line) -> line.contains("SSH2_MSG_NEWKEYS received")).count();
	}

	private void measureJdbc() throws IOException {
		JdbcBenchmark jdbc = new JdbcBenchmark(new JdbcBenchmark.Peers(this.work, this.sshPort, this.pgPort, this.user,
				this.clientKey, this.knownHosts), this::sshCommand, BenchmarkRunner::javaCommand, this::record,
				this.smoke);
		String only = System.getProperty("bench.configs");
		// the JDBC part keeps 3 repetitions: its runs are long and it starts its
		// forwarders per repetition
		jdbc.run(this.smoke ? 1 : Integer.getInteger("bench.jdbc-repetitions", 3),
				(only != null) ? Arrays.asList(only.split(",")) : null);
		this.notes.add(jdbc.note());
	}

	// ---- in-JVM figures
	// -----------------------------------------------------------------

	private void measureOpenTimes() throws IOException {
		int runs = this.smoke ? 1 : 5;
		for (int run = 0; run < runs; run++) {
			List<String> command = new ArrayList<>(javaCommand());
			command.addAll(List.of("open-time", "127.0.0.1", String.valueOf(this.sshPort), this.user,
					this.clientKey.toString(), this.knownHosts.toString(), this.smoke ? "2" : "11"));
			String output = Peer.run(Duration.ofMinutes(2), command);
			String line = output.lines().filter((l) -> l.startsWith("OPEN")).findFirst().orElseThrow();
			long[] micros = Arrays.stream(line.substring(5).trim().split(" ")).mapToLong(Long::parseLong).toArray();
			record("tunnel open, first session in the JVM (ms)", "starter", micros[0] / 1000.0);
			for (int i = 1; i < micros.length; i++) {
				record("tunnel open, later session (ms)", "starter", micros[i] / 1000.0);
			}
			// the OpenSSH client as users run it: process start to forward accepting
			int local = Peer.freePort();
			List<String> ssh = new ArrayList<>(sshCommand(List.of("-N")));
			ssh.addAll(List.of("-L", "127.0.0.1:" + local + ":127.0.0.1:" + this.pgPort, this.user + "@127.0.0.1"));
			long start = System.nanoTime();
			try (Peer client = Peer.start("ssh-open", this.work, ssh)) {
				Peer.awaitPort(local, Duration.ofSeconds(30));
				record("tunnel open, first session in the JVM (ms)", "ssh -N -L", (System.nanoTime() - start) / 1e6);
			}
		}
	}

	private void measureFootprint() throws IOException {
		int runs = this.smoke ? 1 : 3;
		for (int run = 0; run < runs; run++) {
			long[] off = footprint(false, true);
			long[] on = footprint(true, true);
			long[] onWithoutPreinit = footprint(true, false);
			record("heap added by an open tunnel, after GC (MB)", "starter", (on[0] - off[0]) / 1e6);
			record("RSS added by an open tunnel (MB)", "starter", (on[1] - off[1]) / 1e3);
			record("threads added by an open tunnel", "starter", on[2] - off[2]);
			record("tunnel open, first session in a Boot app (ms)", "starter", on[4] / 1000.0);
			record("tunnel open, first session in a Boot app (ms)", "starter, no background pre-initialization",
					onWithoutPreinit[4] / 1000.0);
			record("Boot app start to ready, added by the tunnel (ms)", "starter", on[3] - off[3]);
			record("Boot app start to ready, added by the tunnel (ms)", "starter, no background pre-initialization",
					onWithoutPreinit[3] - off[3]);
		}
		this.notes.add("Footprint compares the same minimal Boot application (the starter on the classpath) with "
				+ "ssh.tunnel.enabled=false and true, each in a fresh JVM, heap measured after System.gc(). "
				+ "'First session in a Boot app' is Spring's own startup step for creating the sshTunnel bean "
				+ "(binding, connecting, key exchange, authentication); 'start to ready' is the JVM's uptime when "
				+ "SpringApplication.run returned. The variant without background pre-initialization runs with "
				+ "-Dspring.backgroundpreinitializer.ignore=true.");
	}

	/**
	 * Run the minimal Boot application once in a fresh JVM.
	 * @return heap used, RSS (kB), threads, uptime when ready (ms), tunnel bean creation
	 * (µs)
	 */
	private long[] footprint(boolean enabled, boolean preinitialize) throws IOException {
		List<String> command = new ArrayList<>(javaCommand());
		if (!preinitialize) {
			command.add(1, "-Dspring.backgroundpreinitializer.ignore=true");
		}
		command.addAll(List.of("footprint", "--ssh.tunnel.enabled=" + enabled, "--ssh.tunnel.host=127.0.0.1",
				"--ssh.tunnel.port=" + this.sshPort, "--ssh.tunnel.username=" + this.user,
				"--ssh.tunnel.private-key=file:" + this.clientKey, "--ssh.tunnel.known-hosts=file:" + this.knownHosts,
				"--ssh.tunnel.forwards.pg.remote-host=127.0.0.1",
				"--ssh.tunnel.forwards.pg.remote-port=" + this.pgPort));
		String output = Peer.run(Duration.ofMinutes(2), command);
		String line = output.lines().filter((l) -> l.startsWith("FOOTPRINT")).findFirst().orElseThrow();
		return new long[] { longValue(line, "heapUsed"), longValue(line, "rssKb"), longValue(line, "threads"),
				longValue(line, "readyMs"), longValue(line, "tunnelBeanMicros") };
	}

	private static long longValue(String line, String key) {
		return Long.parseLong(line.replaceAll(".*\\b" + key + "=(-?[0-9]+).*", "$1"));
	}

	// ---- report -----------------------------------------------------------------------

	private void record(String figure, String config, double value) {
		if (this.inRepetitions) {
			this.pairedFigures.add(figure);
		}
		this.results.computeIfAbsent(figure, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(config, (key) -> new ArrayList<>())
			.add(value);
	}

	private String report() {
		StringBuilder out = new StringBuilder();
		out.append("## Results").append(this.smoke ? " (smoke run: too short to mean anything)" : "").append("\n\n");
		out.append("Repetitions: ")
			.append(this.repetitions)
			.append(this.jdbcOnly ? ", JDBC part only (" + JdbcBenchmark.class.getSimpleName() + ")" : "")
			.append(", iperf3 ")
			.append(this.iperfTime.toSeconds())
			.append(" s, pgbench ")
			.append(this.pgbenchTime.toSeconds())
			.append(" s per run; configurations rotated in each repetition; ")
			.append(Runtime.getRuntime().availableProcessors())
			.append(" CPUs; Java ")
			.append(System.getProperty("java.version"))
			.append(".\n\n");
		out.append("| figure | configuration | median | min-max | vs best OpenSSH | per repetition |\n")
			.append("|---|---|---|---|---|---|\n");
		for (Map.Entry<String, Map<String, List<Double>>> figure : this.results.entrySet()) {
			boolean lowerIsBetter = figure.getKey().contains("CPU") || figure.getKey().contains("(ms)")
					|| figure.getKey().contains("added");
			// a share of a core describes the run, it is neither better nor worse
			boolean compared = !figure.getKey().contains("% of one core");
			Double best = null;
			for (Map.Entry<String, List<Double>> config : figure.getValue().entrySet()) {
				if (config.getKey().startsWith("ssh")) {
					double median = median(config.getValue());
					if (best == null || (lowerIsBetter ? median < best : median > best)) {
						best = median;
					}
				}
			}
			for (Map.Entry<String, List<Double>> config : figure.getValue().entrySet()) {
				List<Double> values = config.getValue();
				double median = median(values);
				String ratio = (compared && best != null && best != 0 && !config.getKey().startsWith("ssh"))
						? String.format("%.2fx", median / best) : "";
				String paired = (compared && this.pairedFigures.contains(figure.getKey())
						&& !config.getKey().startsWith("ssh")) ? perRepetition(figure.getValue(), values, lowerIsBetter)
								: "";
				out.append(String.format("| %s | %s | %.2f | %.2f-%.2f | %s | %s |%n", figure.getKey(), config.getKey(),
						median, values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
						values.stream().mapToDouble(Double::doubleValue).max().orElse(0), ratio, paired));
			}
		}
		out.append("\nRatios are median / median of the best OpenSSH configuration for that figure ")
			.append("(for time, CPU and memory figures lower is better, so a ratio below 1 is better). ")
			.append("Per repetition: the ratio to the best OpenSSH configuration of the same repetition, ")
			.append("measured within a minute or two of each other, as median (min-max) over the repetitions, ")
			.append("and in how many of them the starter was at or better than OpenSSH.\n");
		for (String note : this.notes) {
			out.append("\n").append(note).append("\n");
		}
		return out.toString();
	}

	/**
	 * The ratios of one configuration's values to the best OpenSSH configuration's of the
	 * same repetition: every figure is recorded once per repetition for every
	 * configuration, in repetition order, so the i-th values belong together.
	 * @param figure the values of every configuration for one figure
	 * @param values the configuration's values
	 * @param lowerIsBetter whether a lower value is better
	 * @return the median and range of the ratios and how many were at or better than
	 * OpenSSH, or an empty string without OpenSSH values for every repetition
	 */
	private static String perRepetition(Map<String, List<Double>> figure, List<Double> values, boolean lowerIsBetter) {
		if (values.size() < 2) {
			return "";
		}
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < values.size(); i++) {
			Double best = null;
			for (Map.Entry<String, List<Double>> config : figure.entrySet()) {
				if (config.getKey().startsWith("ssh")) {
					if (config.getValue().size() != values.size()) {
						return "";
					}
					double value = config.getValue().get(i);
					if (best == null || (lowerIsBetter ? value < best : value > best)) {
						best = value;
					}
				}
			}
			if (best == null || best == 0) {
				return "";
			}
			ratios.add(values.get(i) / best);
		}
		long atOrBetter = ratios.stream().filter((ratio) -> lowerIsBetter ? ratio <= 1.0 : ratio >= 1.0).count();
		return String.format("%.2fx (%.2fx-%.2fx), %d of %d", median(ratios),
				ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
				ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0), atOrBetter, ratios.size());
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(Comparator.naturalOrder());
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	/**
	 * The JDKs the starter runs on besides this runner's: {@code bench.starter-jdks}
	 * (comma-separated JDK homes; empty for none), by default the Temurin 25 JDK of the
	 * project's machine when it is installed.
	 */
	private static List<Path> otherJdks() {
		String homes = System.getProperty("bench.starter-jdks", DEFAULT_OTHER_JDK);
		List<Path> jdks = new ArrayList<>();
		Path own = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
		for (String home : homes.split(",")) {
			Path jdk = Path.of(home.trim()).toAbsolutePath().normalize();
			if (!home.isBlank() && Files.isExecutable(jdk.resolve("bin").resolve("java")) && !jdk.equals(own)) {
				jdks.add(jdk);
			}
		}
		return jdks;
	}

	private static String featureVersion(Path jdk) {
		try {
			Matcher matcher = Pattern.compile("JAVA_VERSION=\"([0-9]+)")
				.matcher(Files.readString(jdk.resolve("release")));
			return matcher.find() ? matcher.group(1) : jdk.getFileName().toString();
		}
		catch (IOException ex) {
			return jdk.getFileName().toString();
		}
	}

	/**
	 * A configuration to measure.
	 *
	 * @param name its name in the report
	 * @param ssh the OpenSSH command, or {@code null}
	 * @param openssh whether it is an OpenSSH configuration
	 * @param javaHome the JDK a starter configuration runs on, or {@code null} for this
	 * runner's
	 */
	private record Config(String name, List<String> ssh, boolean openssh, Path javaHome) {
	}

}

package io.github.sshtunnel.benchmarks;

import java.util.Arrays;

/**
 * Entry point of the benchmark jar. The first argument picks the program:
 * <ul>
 * <li>{@code run [--smoke] [--jdbc]}: the whole benchmark ({@link BenchmarkRunner}), or
 * its JDBC part only ({@link JdbcBenchmark});</li>
 * <li>{@code tunnel --ssh.tunnel...}: a minimal Boot application with the starter that
 * forwards until its standard input closes ({@link TunnelApplication});</li>
 * <li>{@code footprint --ssh.tunnel...}: the same application, which prints its heap, RSS
 * and threads once started and exits;</li>
 * <li>{@code open-time host port user key knownHosts count}: times opening tunnels in
 * this JVM ({@link OpenTime});</li>
 * <li>{@code jdbc-load url seconds warmupSeconds}: the JDBC load through a URL
 * ({@link JdbcLoad});</li>
 * <li>{@code jdbc-starter port|socket pgPort seconds warmupSeconds --ssh.tunnel...}: the
 * same load inside the Boot application that holds the tunnel;</li>
 * <li>{@code churn-target port} and {@code churn port seconds threads [pid...]}: new
 * connections through a forward to a target that costs next to nothing, and the
 * forwarders' CPU per connection ({@link Churn}).</li>
 * </ul>
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static void main(String[] args) throws Exception {
		String mode = (args.length > 0) ? args[0] : "run";
		String[] rest = (args.length > 0) ? Arrays.copyOfRange(args, 1, args.length) : new String[0];
		switch (mode) {
			case "run" -> BenchmarkRunner.main(rest);
			case "tunnel" -> TunnelApplication.forward(rest);
			case "footprint" -> TunnelApplication.footprint(rest);
			case "open-time" -> OpenTime.main(rest);
			case "jdbc-load" -> JdbcLoad.main(rest);
			case "jdbc-starter" -> TunnelApplication.jdbc(rest);
			case "profile" -> Profile.main(rest);
			case "churn-target" -> Churn.target(rest);
			case "churn" -> Churn.client(rest);
			default -> throw new IllegalArgumentException("Unknown mode '" + mode
					+ "': run, tunnel, footprint, open-time, jdbc-load, jdbc-starter, profile, churn-target, churn");
		}
	}

}

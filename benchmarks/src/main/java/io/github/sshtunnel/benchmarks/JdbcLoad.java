package io.github.sshtunnel.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.postgresql.Driver;

/**
 * The JDBC load of the benchmark, run in the JVM that measures it: pgjdbc
 * {@code select 1} round trips per second on 1 and on 8 connections (one thread each),
 * and new connections per second (open, {@code select 1}, close; one thread). Every loop
 * is bounded in time and in count. For the starter's configurations this runs in the JVM
 * that holds the tunnel ({@link TunnelApplication#jdbc}): in socket mode there is no
 * local port, so the JDBC client must live beside the tunnel.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class JdbcLoad {

	static final String PREFIX = "JDBC";

	private static final int THREADS = 8;

	/**
	 * Upper bound on the operations of one loop, whatever the time left.
	 */
	private static final long MAX_OPERATIONS = 100_000_000L;

	/**
	 * One driver for every connection, as {@code DriverManager} and the pools use it: a
	 * new pgjdbc {@code Driver} looks up its default properties on the class path again
	 * (tens of milliseconds in a nested jar), which is not the cost of a connection.
	 */
	private static final Driver DRIVER = new Driver();

	private final String url;

	private final Properties properties;

	private JdbcLoad(String url, Properties extra) {
		this.url = url;
		this.properties = new Properties();
		this.properties.setProperty("user", "postgres");
		// seconds: every network wait of the driver has a bound
		this.properties.setProperty("connectTimeout", "10");
		this.properties.setProperty("loginTimeout", "10");
		this.properties.setProperty("socketTimeout", "30");
		this.properties.putAll(extra);
	}

	/**
	 * {@code jdbc-load url seconds warmupSeconds}: the load straight through a URL
	 * (direct, or through a port that another process forwards).
	 * @param args the arguments
	 * @throws Exception if the load fails
	 */
	static void main(String[] args) throws Exception {
		System.out.println(measure(args[0], new Properties(), Duration.ofSeconds(Long.parseLong(args[1])),
				Duration.ofSeconds(Long.parseLong(args[2]))));
	}

	/**
	 * Warm up, then measure.
	 * @param url the pgjdbc URL
	 * @param extra driver properties beyond user and timeouts (the socket factory)
	 * @param duration each figure's measuring time
	 * @param warmup the warm-up before the figures, not recorded
	 * @return one line: {@code JDBC roundTrips1=.. roundTrips8=.. connections=..}
	 * @throws Exception if the load fails
	 */
	static String measure(String url, Properties extra, Duration duration, Duration warmup) throws Exception {
		JdbcLoad load = new JdbcLoad(url, extra);
		load.roundTrips(THREADS, warmup);
		load.connections(warmup);
		double one = load.roundTrips(1, duration);
		double eight = load.roundTrips(THREADS, duration);
		double connections = load.connections(duration);
		return String.format(Locale.ROOT, "%s roundTrips1=%.2f roundTrips8=%.2f connections=%.2f", PREFIX, one, eight,
				connections);
	}

	private Connection connect() throws SQLException {
		Connection connection = DRIVER.connect(this.url, this.properties);
		if (connection == null) {
			throw new SQLException("pgjdbc does not accept the URL " + this.url);
		}
		return connection;
	}

	private static void selectOne(PreparedStatement statement) throws SQLException {
		try (ResultSet result = statement.executeQuery()) {
			if (!result.next() || result.getInt(1) != 1) {
				throw new SQLException("select 1 did not return 1");
			}
		}
	}

	/**
	 * {@code select 1} in a loop on one connection per thread.
	 * @return round trips per second, all threads together
	 */
	private double roundTrips(int threads, Duration duration) throws Exception {
		List<Connection> connections = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			for (int i = 0; i < threads; i++) {
				connections.add(connect());
			}
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Long>> counts = new ArrayList<>();
			for (Connection connection : connections) {
				counts.add(pool.submit(() -> {
					try (PreparedStatement statement = connection.prepareStatement("select 1")) {
						start.await();
						long deadline = System.nanoTime() + duration.toNanos();
						long count = 0;
						while (count < MAX_OPERATIONS && System.nanoTime() < deadline) {
							selectOne(statement);
							count++;
						}
						return count;
					}
				}));
			}
			long begin = System.nanoTime();
			start.countDown();
			long total = 0;
			for (Future<Long> count : counts) {
				total += count.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
			}
			return total / ((System.nanoTime() - begin) / 1e9);
		}
		finally {
			pool.shutdownNow();
			for (Connection connection : connections) {
				connection.close();
			}
		}
	}

	/**
	 * Open, {@code select 1}, close, in a loop on one thread.
	 * @return connections per second
	 */
	private double connections(Duration duration) throws SQLException {
		long begin = System.nanoTime();
		long deadline = begin + duration.toNanos();
		long count = 0;
		while (count < MAX_OPERATIONS && System.nanoTime() < deadline) {
			try (Connection connection = connect();
					PreparedStatement statement = connection.prepareStatement("select 1")) {
				selectOne(statement);
			}
			count++;
		}
		return count / ((System.nanoTime() - begin) / 1e9);
	}

}

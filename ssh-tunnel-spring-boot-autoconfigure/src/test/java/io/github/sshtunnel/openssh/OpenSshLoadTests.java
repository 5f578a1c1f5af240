package io.github.sshtunnel.openssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Load through a real OpenSSH sshd to the real PostgreSQL: 32 concurrent clients for 60 s
 * without a single error, and a forced reconnect under load in which only the queries in
 * flight fail. Every loop is bounded in time.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshLoadTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	private static final int CLIENTS = 32;

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		Peers.requireOpenSsh();
		Peers.requirePostgres();
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false);
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.sshd.port(),
					"ssh.tunnel.username=" + this.sshd.user(),
					"ssh.tunnel.private-key=file:" + KEYS.resolve("ed25519_openssh").toAbsolutePath(),
					"ssh.tunnel.known-hosts=file:" + knownHosts, "ssh.tunnel.forwards.db.remote-port=5432",
					"ssh.tunnel.keepalive.interval=2s", "ssh.tunnel.reconnect.initial-delay=200ms",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/postgres"
							+ "?socketTimeout=10&connectTimeout=5",
					"spring.datasource.username=postgres", "spring.datasource.hikari.maximum-pool-size=" + CLIENTS,
					"spring.datasource.hikari.connection-timeout=5000");
	}

	@AfterEach
	void stop() {
		if (this.sshd != null) {
			this.sshd.close();
		}
	}

	@Test
	void thirtyTwoClientsForSixtySecondsWithoutErrors() {
		this.contextRunner.run((context) -> {
			Load load = Load.run(new JdbcTemplate(context.getBean(DataSource.class)), Duration.ofSeconds(60), null);
			assertThat(load.errors.get()).as("errors; first: %s", load.firstError).isZero();
			assertThat(load.queries.get()).isGreaterThan(CLIENTS * 100L);
			System.out.printf("load: %d queries in 60 s through the tunnel (%.0f/s), 0 errors%n", load.queries.get(),
					load.queries.get() / 60.0);
		});
	}

	@Test
	void forcedReconnectUnderLoadFailsOnlyQueriesInFlight() {
		this.contextRunner.run((context) -> {
			SshTunnel tunnel = context.getBean(SshTunnel.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			Load load = Load.run(jdbc, Duration.ofSeconds(20), () -> {
				this.sshd.kill();
				this.sshd.start();
			});
			// the fault hit: the session was replaced, and queries in flight failed
			assertThat(tunnel.state().reconnects()).isEqualTo(1);
			assertThat(load.errors.get()).as("queries that failed with the session").isPositive();
			// a query in flight on each client when the session died, and at most one
			// more per client that had already taken a connection from the pool
			assertThat(load.errors.get()).isLessThanOrEqualTo(2L * CLIENTS);
			assertThat(load.lastErrorAt.get()).as("no error after the reconnect settled")
				.isBetween(load.faultAt.get(), load.faultAt.get() + Duration.ofSeconds(10).toNanos());
			assertThat(load.queriesAfterLastError.get()).as("queries after the last error")
				.isGreaterThan(CLIENTS * 10L);
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1));
			System.out.printf("reconnect under load: %d queries, %d failed, recovered %d ms after the fault%n",
					load.queries.get(), load.errors.get(),
					TimeUnit.NANOSECONDS.toMillis(load.lastErrorAt.get() - load.faultAt.get()));
		});
	}

	static final class Load {

		final AtomicLong queries = new AtomicLong();

		final AtomicLong errors = new AtomicLong();

		final AtomicLong faultAt = new AtomicLong();

		final AtomicLong lastErrorAt = new AtomicLong();

		final AtomicLong queriesAfterLastError = new AtomicLong();

		volatile Throwable firstError;

		static Load run(JdbcTemplate jdbc, Duration duration, Runnable faultHalfway) throws Exception {
			Load load = new Load();
			long start = System.nanoTime();
			long end = start + duration.toNanos();
			ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
			try {
				List<Future<?>> futures = new ArrayList<>();
				for (int i = 0; i < CLIENTS; i++) {
					futures.add(clients.submit(() -> {
						while (System.nanoTime() < end) {
							try {
								jdbc.queryForObject("select 1", Integer.class);
								load.queries.incrementAndGet();
								load.queriesAfterLastError.incrementAndGet();
							}
							catch (RuntimeException ex) {
								load.errors.incrementAndGet();
								load.lastErrorAt.set(System.nanoTime());
								load.queriesAfterLastError.set(0);
								if (load.firstError == null) {
									load.firstError = ex;
								}
							}
						}
					}));
				}
				if (faultHalfway != null) {
					// the fault strikes once every client is busy, not after a fixed
					// sleep
					await().atMost(duration).until(() -> load.queries.get() >= CLIENTS * 20L);
					load.faultAt.set(System.nanoTime());
					faultHalfway.run();
				}
				for (Future<?> future : futures) {
					future.get(duration.toSeconds() + 30, TimeUnit.SECONDS);
				}
			}
			finally {
				clients.shutdownNow();
			}
			return load;
		}

	}

}

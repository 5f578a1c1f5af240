package io.github.sshtunnel.containers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.testsupport.TestContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What loopback cannot show: an OpenSSH server and a PostgreSQL server in containers on a
 * private Docker network. The database publishes no port; only the SSH container reaches
 * it, by its container name (the seed's case: the database listens on the server's side
 * only). Needs Docker: skipped without it, FAILS in CI
 * ({@code SSH_TUNNEL_REQUIRE_PEERS=true}). The base image is set with
 * {@code -Dsshtunnel.test.base-image} (default {@code debian:bookworm-slim}).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelContainersTests {

	private static Network network;

	private static GenericContainer<?> database;

	private static GenericContainer<?> sshd;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@BeforeAll
	static void startContainers() {
		TestContainers.requireDocker();
		network = Network.newNetwork();
		database = TestContainers.postgres(network, "db");
		sshd = TestContainers.sshd(network, "bastion");
		database.start();
		sshd.start();
	}

	@AfterAll
	static void stopContainers() {
		if (sshd != null) {
			sshd.stop();
		}
		if (database != null) {
			database.stop();
		}
		if (network != null) {
			network.close();
		}
	}

	@Test
	void queriesADatabaseThatOnlyTheSshServerReachesByItsContainerName() {
		assertThat(TestContainers.publishesPorts(database)).isFalse();
		tunnelToDatabase().run((context) -> {
			assertThat(context).hasNotFailed();
			SshTunnel tunnel = context.getBean(SshTunnel.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			// the server's view: the connection comes from the SSH container's address on
			// the private network, to the database's own port
			assertThat(jdbc.queryForObject("select inet_server_port()", Integer.class)).isEqualTo(5432);
			String clientAddress = jdbc.queryForObject("select host(inet_client_addr())", String.class);
			assertThat(clientAddress).isEqualTo(sshd.getContainerInfo()
				.getNetworkSettings()
				.getNetworks()
				.values()
				.iterator()
				.next()
				.getIpAddress());
			assertThat(tunnel.state().forward("db").bytesInbound()).isPositive();
		});
	}

	@Test
	void poolRecoversWhenTheSshContainerRestartsUnderLoad() {
		tunnelToDatabase()
			.withPropertyValues("ssh.tunnel.keepalive.interval=1s", "ssh.tunnel.reconnect.initial-delay=500ms",
					"spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.connection-timeout=2000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				int localPort = tunnel.localPort("db");
				int clients = 6;
				AtomicBoolean running = new AtomicBoolean(true);
				AtomicLongArray lastSuccess = new AtomicLongArray(clients);
				AtomicLong failures = new AtomicLong();
				ExecutorService executor = Executors.newFixedThreadPool(clients);
				try {
					List<Future<?>> load = new ArrayList<>();
					for (int i = 0; i < clients; i++) {
						int client = i;
						load.add(executor.submit(() -> {
							while (running.get()) {
								try {
									jdbc.queryForObject("select count(*) from pg_stat_activity", Long.class);
									lastSuccess.set(client, System.nanoTime());
								}
								catch (RuntimeException ex) {
									failures.incrementAndGet();
								}
							}
						}));
					}
					long loadStarted = System.nanoTime();
					await().atMost(Duration.ofSeconds(10))
						.until(() -> allAfter(lastSuccess, loadStarted) && tunnel.state().isUp());
					long reconnectsBefore = tunnel.state().reconnects();
					sshd.getDockerClient().restartContainerCmd(sshd.getContainerId()).withTimeout(1).exec();
					long restarted = System.nanoTime();
					await().atMost(Duration.ofSeconds(60))
						.until(() -> tunnel.state().reconnects() > reconnectsBefore && tunnel.state().isUp());
					await().atMost(Duration.ofSeconds(30)).until(() -> allAfter(lastSuccess, restarted));
					running.set(false);
					for (Future<?> client : load) {
						client.get();
					}
				}
				finally {
					running.set(false);
					executor.shutdownNow();
				}
				assertThat(tunnel.localPort("db")).isEqualTo(localPort);
				assertThat(jdbc.queryForObject("select inet_server_port()", Integer.class)).isEqualTo(5432);
			});
	}

	private ApplicationContextRunner tunnelToDatabase() {
		return this.contextRunner.withPropertyValues("ssh.tunnel.host=127.0.0.1",
				"ssh.tunnel.port=" + sshd.getMappedPort(22), "ssh.tunnel.username=root",
				"ssh.tunnel.private-key=classpath:keys/ed25519_openssh",
				"ssh.tunnel.host-key=" + TestContainers.hostKey(sshd), "ssh.tunnel.forwards.db.remote-host=db",
				"ssh.tunnel.forwards.db.remote-port=5432",
				"spring.datasource.url=jdbc:postgresql://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/postgres",
				"spring.datasource.username=" + TestContainers.POSTGRES_USER,
				"spring.datasource.password=" + TestContainers.POSTGRES_PASSWORD);
	}

	private static boolean allAfter(AtomicLongArray times, long instant) {
		for (int i = 0; i < times.length(); i++) {
			if (times.get(i) - instant <= 0) {
				return false;
			}
		}
		return true;
	}

}

package io.github.sshtunnel.resilience;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.health.SshTunnelHealthContributorAutoConfiguration;
import io.github.sshtunnel.autoconfigure.metrics.SshTunnelMetricsAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.health.SshTunnelHealthIndicator;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Hikari pool in use while the SSH server goes away and comes back: the tunnel
 * reconnects on the same local port, queries succeed again, and health and metrics tell
 * the story.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class PoolRecoveryTests {

	private TestSshServer server;

	private Server database;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() throws Exception {
		this.server = TestSshServer.withPassword("alice", "secret").start();
		this.database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class,
					SshTunnelHealthContributorAutoConfiguration.class, SshTunnelMetricsAutoConfiguration.class,
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
					"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
					"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(),
					"ssh.tunnel.forwards.db.remote-host=127.0.0.1",
					"ssh.tunnel.forwards.db.remote-port=" + this.database.getPort(), "ssh.tunnel.keepalive.interval=1s",
					"ssh.tunnel.reconnect.initial-delay=500ms",
					"spring.datasource.url=jdbc:h2:tcp://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/mem:pool;DB_CLOSE_DELAY=-1",
					"spring.datasource.username=sa", "spring.datasource.hikari.maximum-pool-size=4",
					"spring.datasource.hikari.connection-timeout=2000");
	}

	@AfterEach
	void stop() {
		this.database.stop();
		this.server.close();
	}

	@Test
	void poolRecoversAfterTheSshServerRestartsOnTheSamePort() {
		this.contextRunner.run((context) -> {
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			SshTunnel tunnel = context.getBean(SshTunnel.class);
			HealthIndicator health = context.getBean(SshTunnelHealthIndicator.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			int port = tunnel.localPort("db");
			for (int i = 0; i < 20; i++) {
				assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
			}
			// every status the indicator reports, each change once
			List<Status> seen = new CopyOnWriteArrayList<>();
			observe(health, seen);
			this.server.stop();
			await().atMost(Duration.ofSeconds(5)).until(() -> observe(health, seen).equals(Status.DOWN));
			assertThat(registry.get("ssh.tunnel.session.connected").gauge().value()).isZero();
			this.server.start();
			// the pool recovers within initial-delay (500 ms) plus a few seconds: the
			// bound is the await's own, so nothing is asserted twice
			await().atMost(Duration.ofSeconds(5))
				.ignoreExceptions()
				.until(() -> jdbc.queryForObject("select 1", Integer.class) == 1);
			await().atMost(Duration.ofSeconds(5)).until(() -> observe(health, seen).equals(Status.UP));
			assertThat(seen).containsExactly(Status.UP, Status.DOWN, Status.UP);
			assertThat(tunnel.localPort("db")).isEqualTo(port);
			assertThat(registry.get("ssh.tunnel.reconnects").functionCounter().count()).isEqualTo(1);
			assertThat(registry.get("ssh.tunnel.session.connected").gauge().value()).isEqualTo(1);
			for (int i = 0; i < 20; i++) {
				assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
			}
		});
	}

	private static Status observe(HealthIndicator health, List<Status> seen) {
		Status status = health.health().getStatus();
		if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(status)) {
			seen.add(status);
		}
		return status;
	}

	@Test
	void withoutFailFastTheAppStartsDownAndComesUpWithoutRestart() {
		int sshPort = this.server.port();
		this.server.stop();
		this.contextRunner
			.withPropertyValues("ssh.tunnel.fail-fast=false", "spring.datasource.hikari.initialization-fail-timeout=-1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HealthIndicator health = context.getBean(SshTunnelHealthIndicator.class);
				assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				int port = tunnel.localPort("db");
				assertThat(port).isPositive();
				assertThat(context.getEnvironment().getProperty("local.ssh.tunnel.forwards.db.port", Integer.class))
					.isEqualTo(port);
				this.server.startOn(sshPort);
				await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				await().atMost(Duration.ofSeconds(5))
					.ignoreExceptions()
					.until(() -> jdbc.queryForObject("select 1", Integer.class) == 1);
				assertThat(tunnel.localPort("db")).isEqualTo(port);
			});
	}

}

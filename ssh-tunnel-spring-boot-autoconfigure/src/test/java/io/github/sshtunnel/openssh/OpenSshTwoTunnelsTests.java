package io.github.sshtunnel.openssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.SshTunnelFactory;
import io.github.sshtunnel.autoconfigure.SshTunnelProperties;
import io.github.sshtunnel.autoconfigure.health.SshTunnelHealthContributorAutoConfiguration;
import io.github.sshtunnel.autoconfigure.metrics.SshTunnelMetricsAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelState;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application with two tunnels through two real OpenSSH servers to two real databases:
 * the auto-configured {@code sshTunnel} to PostgreSQL and a {@code reportingTunnel} bean
 * to MariaDB. Both show in {@code /actuator/health} and in the metrics, each reconnects
 * on its own, and both close after both pools. Mandatory in CI.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshTwoTunnelsTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	@TempDir
	Path temp;

	private OpenSshServer appSshd;

	private OpenSshServer reportingSshd;

	@BeforeEach
	void start() {
		Peers.requireOpenSsh();
		Peers.requirePostgres();
		Peers.requireMariaDb();
		this.appSshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		this.reportingSshd = new OpenSshServer().authorize(KEYS.resolve("ecdsa_openssh.pub")).start();
	}

	@AfterEach
	void stop() {
		if (this.appSshd != null) {
			this.appSshd.close();
		}
		if (this.reportingSshd != null) {
			this.reportingSshd.close();
		}
	}

	@Test
	void twoTunnelsShowInHealthAndMetricsReconnectIndependentlyAndCloseAfterThePools() {
		ShutdownRecorder recorder = new ShutdownRecorder();
		Path appKnownHosts = this.appSshd.writeKnownHosts(this.temp.resolve("app_known_hosts"), "ed25519", true);
		Path reportingKnownHosts = this.reportingSshd.writeKnownHosts(this.temp.resolve("reporting_known_hosts"),
				"ed25519", false);
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
					SshTunnelAutoConfiguration.class, SshTunnelHealthContributorAutoConfiguration.class,
					SshTunnelMetricsAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
					MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class))
			.withUserConfiguration(TwoDatabasesApplication.class)
			.withBean(ShutdownRecorder.class, () -> recorder)
			.withPropertyValues("management.endpoint.health.show-details=always",
					"management.endpoint.health.show-components=always",
					"management.endpoints.jmx.exposure.include=health", "ssh.tunnel.host=127.0.0.1",
					"ssh.tunnel.port=" + this.appSshd.port(), "ssh.tunnel.username=" + this.appSshd.user(),
					"ssh.tunnel.private-key=file:" + KEYS.resolve("ed25519_openssh").toAbsolutePath(),
					"ssh.tunnel.known-hosts=file:" + appKnownHosts, "ssh.tunnel.forwards.db.remote-host=127.0.0.1",
					"ssh.tunnel.forwards.db.remote-port=5432", "ssh.tunnel.reconnect.initial-delay=200ms",
					"tunnels.warehouse.host=127.0.0.1", "tunnels.warehouse.port=" + this.reportingSshd.port(),
					"tunnels.warehouse.username=" + this.reportingSshd.user(),
					"tunnels.warehouse.private-key=file:" + KEYS.resolve("ecdsa_openssh").toAbsolutePath(),
					"tunnels.warehouse.known-hosts=file:" + reportingKnownHosts,
					"tunnels.warehouse.forwards.db.remote-host=127.0.0.1",
					"tunnels.warehouse.forwards.db.remote-port=3306", "tunnels.warehouse.reconnect.initial-delay=200ms",
					"tunnels.warehouse.reconnect.max-delay=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel app = context.getBean("sshTunnel", SshTunnel.class);
				SshTunnel reporting = context.getBean("reportingTunnel", SshTunnel.class);
				JdbcTemplate postgres = new JdbcTemplate(context.getBean("appDataSource", HikariDataSource.class));
				JdbcTemplate mariadb = new JdbcTemplate(context.getBean("reportingDataSource", HikariDataSource.class));
				assertThat(postgres.queryForObject("select inet_server_port()", Integer.class)).isEqualTo(5432);
				assertThat(mariadb.queryForObject("select @@port", Integer.class)).isEqualTo(3306);
				assertThat(app.state().forward("db").openedConnections()).isPositive();
				assertThat(reporting.state().forward("db").openedConnections()).isPositive();

				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				HealthDescriptor tunnels = ((CompositeHealthDescriptor) health.health()).getComponents()
					.get("sshTunnel");
				assertThat(tunnels).isInstanceOf(CompositeHealthDescriptor.class);
				Map<String, HealthDescriptor> members = ((CompositeHealthDescriptor) tunnels).getComponents();
				assertThat(members).containsOnlyKeys("sshTunnel", "reportingTunnel");
				assertThat(members.get("sshTunnel").getStatus()).isEqualTo(Status.UP);
				assertThat(((IndicatedHealthDescriptor) members.get("reportingTunnel")).getDetails())
					.containsEntry("port", this.reportingSshd.port());
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(connected(registry, "sshTunnel")).isEqualTo(1);
				assertThat(connected(registry, "reportingTunnel")).isEqualTo(1);

				// the reporting bastion crashes: only its tunnel goes down
				int reportingPort = reporting.localPort("db");
				this.reportingSshd.kill();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> health.healthForPath("sshTunnel", "reportingTunnel").getStatus().equals(Status.DOWN));
				assertThat(health.healthForPath("sshTunnel", "sshTunnel").getStatus()).isEqualTo(Status.UP);
				assertThat(connected(registry, "reportingTunnel")).isZero();
				assertThat(connected(registry, "sshTunnel")).isEqualTo(1);
				assertThat(postgres.queryForObject("select 1", Integer.class)).isEqualTo(1);

				this.reportingSshd.start();
				await().atMost(Duration.ofSeconds(15))
					.ignoreExceptions()
					.until(() -> mariadb.queryForObject("select @@port", Integer.class) == 3306);
				assertThat(health.healthForPath("sshTunnel", "reportingTunnel").getStatus()).isEqualTo(Status.UP);
				assertThat(reporting.localPort("db")).isEqualTo(reportingPort);
				assertThat(reconnects(registry, "reportingTunnel")).isEqualTo(1);
				assertThat(reconnects(registry, "sshTunnel")).isZero();
				assertThat(app.state().reconnects()).isZero();

				recorder.pools = List.of(context.getBean("appDataSource", HikariDataSource.class),
						context.getBean("reportingDataSource", HikariDataSource.class));
			});
		// each tunnel, when it closed, found both pools closed already
		assertThat(recorder.poolsClosedWhenTunnelClosed).containsExactly(true, true);
	}

	private static double connected(MeterRegistry registry, String tunnel) {
		return registry.get("ssh.tunnel.session.connected").tag("tunnel", tunnel).gauge().value();
	}

	private static double reconnects(MeterRegistry registry, String tunnel) {
		return registry.get("ssh.tunnel.reconnects").tag("tunnel", tunnel).functionCounter().count();
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDatabasesApplication {

		@Bean
		@ConfigurationProperties("tunnels.warehouse")
		SshTunnelProperties reportingTunnelProperties() {
			return new SshTunnelProperties();
		}

		@Bean
		SshTunnel reportingTunnel(SshTunnelFactory tunnels,
				@Qualifier("reportingTunnelProperties") SshTunnelProperties properties) {
			return tunnels.create(properties);
		}

		@Bean
		HikariDataSource appDataSource(Environment environment) {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl(environment.resolveRequiredPlaceholders(
					"jdbc:postgresql://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/postgres"));
			dataSource.setUsername("postgres");
			dataSource.setConnectionTimeout(2000);
			return dataSource;
		}

		@Bean
		HikariDataSource reportingDataSource(Environment environment) {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl(environment.resolveRequiredPlaceholders(
					"jdbc:mariadb://127.0.0.1:${local.ssh.tunnel.reportingTunnel.forwards.db.port}/"));
			dataSource.setUsername("root");
			dataSource.setConnectionTimeout(2000);
			return dataSource;
		}

	}

	static class ShutdownRecorder implements SshTunnelListener {

		final List<Boolean> poolsClosedWhenTunnelClosed = new CopyOnWriteArrayList<>();

		volatile List<HikariDataSource> pools = List.of();

		@Override
		public void disconnected(TunnelState state, SshTunnelException cause) {
			if (cause == null && !this.pools.isEmpty()) {
				this.poolsClosedWhenTunnelClosed.add(this.pools.stream().allMatch(HikariDataSource::isClosed));
			}
		}

	}

}

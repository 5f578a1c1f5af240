package io.github.sshtunnel.autoconfigure;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.health.SshTunnelHealthContributorAutoConfiguration;
import io.github.sshtunnel.autoconfigure.metrics.SshTunnelMetricsAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.event.SshTunnelConnectedEvent;
import io.github.sshtunnel.event.SshTunnelEvent;
import io.github.sshtunnel.health.SshTunnelHealthIndicator;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for any number of tunnels: the auto-configured {@code sshTunnel} from
 * {@code ssh.tunnel.*}, tunnels that the application defines as beans through
 * {@link SshTunnelFactory}, and both together. Two in-process SSH servers, two H2
 * database servers, all on loopback.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelMultipleTunnelsTests {

	private TestSshServer appServer;

	private TestSshServer reportingServer;

	private Server appDatabase;

	private Server reportingDatabase;

	private final List<SshTunnelEvent> events = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() throws SQLException {
		this.appServer = TestSshServer.withPassword("alice", "app-secret").start();
		this.reportingServer = TestSshServer.withPassword("bob", "reporting-secret").start();
		this.appDatabase = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		this.reportingDatabase = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class,
					SshTunnelAutoConfiguration.class, SshTunnelHealthContributorAutoConfiguration.class,
					SshTunnelMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.withBean("eventRecorder", ApplicationListener.class,
					() -> (ApplicationListener<SshTunnelEvent>) this.events::add);
	}

	@AfterEach
	void stop() {
		this.appDatabase.stop();
		this.reportingDatabase.stop();
		this.appServer.close();
		this.reportingServer.close();
	}

	@Test
	void autoConfiguredTunnelOnly() {
		this.contextRunner.withPropertyValues(appTunnel()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(SshTunnel.class)).containsOnlyKeys("sshTunnel");
			assertThat(context).hasSingleBean(SshTunnelFactory.class);
			int port = context.getBean(SshTunnel.class).localPort("db");
			assertThat(context.getEnvironment().getProperty("local.ssh.tunnel.forwards.db.port", Integer.class))
				.isEqualTo(port);
			assertThat(
					context.getEnvironment().getProperty("local.ssh.tunnel.sshTunnel.forwards.db.port", Integer.class))
				.isEqualTo(port);
			// one tunnel: today's shape, the tunnel's own indicator
			assertThat(context.getBean("sshTunnelHealthIndicator")).isInstanceOf(SshTunnelHealthIndicator.class);
			assertThat(context.getBean(MeterRegistry.class)
				.get("ssh.tunnel.session.connected")
				.tag("tunnel", "sshTunnel")
				.gauge()
				.value()).isEqualTo(1);
			assertThat(this.events).singleElement()
				.satisfies((event) -> assertThat(event.getTunnelName()).isEqualTo("sshTunnel"));
		});
	}

	@Test
	void userDefinedTunnelOnlyWithoutSshTunnelHost() {
		this.contextRunner
			.withUserConfiguration(ReportingTunnelConfiguration.class, ReportingDataSourceConfiguration.class)
			.withPropertyValues(reportingTunnel())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(SshTunnel.class)).containsOnlyKeys("reportingTunnel");
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				assertThat(tunnel.state().isUp()).isTrue();
				assertThat(tunnel.settings().getUsername()).isEqualTo("bob");
				int port = tunnel.localPort("db");
				assertThat(context.getEnvironment()
					.getProperty("local.ssh.tunnel.reportingTunnel.forwards.db.port", Integer.class)).isEqualTo(port);
				assertThat(context.getEnvironment().containsProperty("local.ssh.tunnel.forwards.db.port")).isFalse();
				assertThat(context.getBeanFactory().getBeanDefinition("reportingDataSource").getDependsOn())
					.contains("reportingTunnel");
				assertThat(query(context.getBean("reportingDataSource", DataSource.class))).isEqualTo(1);
				assertThat(tunnel.state().forward("db").openedConnections()).isPositive();
				assertThat(context.getBean("sshTunnelHealthIndicator")).isInstanceOf(SshTunnelHealthIndicator.class);
				assertThat(context.getBean(MeterRegistry.class)
					.get("ssh.tunnel.session.connect")
					.tag("tunnel", "reportingTunnel")
					.tag("outcome", "success")
					.timer()
					.count()).isEqualTo(1);
				assertThat(this.events).singleElement()
					.satisfies((event) -> assertThat(event.getTunnelName()).isEqualTo("reportingTunnel"));
			});
	}

	@Test
	void autoConfiguredAndUserDefinedTunnelsLiveSideBySide() {
		ShutdownRecorder recorder = new ShutdownRecorder();
		this.contextRunner
			.withUserConfiguration(ReportingTunnelConfiguration.class, ReportingDataSourceConfiguration.class,
					AppDataSourceConfiguration.class)
			.withPropertyValues(appTunnel())
			.withPropertyValues(reportingTunnel())
			.withBean(ShutdownRecorder.class, () -> recorder)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(SshTunnel.class)).containsOnlyKeys("sshTunnel", "reportingTunnel");
				SshTunnel app = context.getBean("sshTunnel", SshTunnel.class);
				SshTunnel reporting = context.getBean("reportingTunnel", SshTunnel.class);
				assertThat(app.settings().getPort()).isEqualTo(this.appServer.port());
				assertThat(reporting.settings().getPort()).isEqualTo(this.reportingServer.port());
				for (String dataSource : List.of("appDataSource", "reportingDataSource")) {
					assertThat(context.getBeanFactory().getBeanDefinition(dataSource).getDependsOn())
						.contains("sshTunnel", "reportingTunnel");
				}
				assertThat(query(context.getBean("appDataSource", DataSource.class))).isEqualTo(1);
				assertThat(query(context.getBean("reportingDataSource", DataSource.class))).isEqualTo(1);
				assertThat(app.state().forward("db").openedConnections()).isPositive();
				assertThat(reporting.state().forward("db").openedConnections()).isPositive();
				HealthContributor health = context.getBean("sshTunnelHealthIndicator", HealthContributor.class);
				assertThat(health).isInstanceOf(CompositeHealthContributor.class);
				CompositeHealthContributor composite = (CompositeHealthContributor) health;
				assertThat(composite.stream().map((entry) -> entry.name())).containsExactlyInAnyOrder("sshTunnel",
						"reportingTunnel");
				assertThat(((HealthIndicator) composite.getContributor("reportingTunnel")).health().getDetails())
					.containsEntry("port", this.reportingServer.port())
					.containsEntry("username", "bob");
				assertThat(((HealthIndicator) composite.getContributor("sshTunnel")).health().getStatus())
					.isEqualTo(Status.UP);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				for (String tunnel : List.of("sshTunnel", "reportingTunnel")) {
					assertThat(registry.get("ssh.tunnel.session.connected").tag("tunnel", tunnel).gauge().value())
						.isEqualTo(1);
					assertThat(registry.get("ssh.tunnel.connections")
						.tag("tunnel", tunnel)
						.tag("forward", "db")
						.tag("outcome", "success")
						.functionCounter()
						.count()).isPositive();
				}
				assertThat(this.events).filteredOn(SshTunnelConnectedEvent.class::isInstance)
					.extracting(SshTunnelEvent::getTunnelName)
					.containsExactlyInAnyOrder("sshTunnel", "reportingTunnel");
				recorder.dataSources = List.of(context.getBean("appDataSource", HikariDataSource.class),
						context.getBean("reportingDataSource", HikariDataSource.class));
			});
		assertThat(recorder.poolsClosedWhenTunnelClosed).containsExactly(true, true);
	}

	@Test
	void userDefinedTunnelOpenedByItsBeanMethodIsObservedAndPublished() {
		this.contextRunner
			.withBean("selfOpenedTunnel", SshTunnel.class,
					() -> new SshTunnel(TunnelSettings.builder("127.0.0.1")
						.port(this.reportingServer.port())
						.username("bob")
						.password("reporting-secret")
						.hostKey(this.reportingServer.hostKeyFingerprint())
						.forward(io.github.sshtunnel.core.ForwardSettings.of("db", this.reportingDatabase.getPort()))
						.build()).open())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				assertThat(tunnel.state().isUp()).isTrue();
				assertThat(context.getEnvironment()
					.getProperty("local.ssh.tunnel.selfOpenedTunnel.forwards.db.port", Integer.class))
					.isEqualTo(tunnel.localPort("db"));
			});
	}

	@Test
	void invalidUserTunnelNamesItsOwnPropertyAndBean() {
		this.contextRunner.withUserConfiguration(ReportingTunnelConfiguration.class)
			.withPropertyValues(reportingTunnel())
			.withPropertyValues("tunnels.reporting.forwards.db.remote-port=70000")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new SshTunnelFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("The SSH tunnel 'reportingTunnel' could not be opened")
					.contains("tunnels.reporting.forwards.db.remote-port must be between 1 and 65535")
					.doesNotContain("ssh.tunnel.");
				assertThat(analysis.getAction()).contains("tunnels.reporting.forwards.db.remote-port")
					.doesNotContain("ssh.tunnel.");
			});
	}

	@Test
	void userTunnelThatCannotOpenNamesItsOwnPropertyAndBean() {
		this.contextRunner.withUserConfiguration(ReportingTunnelConfiguration.class)
			.withPropertyValues(reportingTunnel())
			.withPropertyValues("tunnels.reporting.host-key=" + this.appServer.hostKeyFingerprint())
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new SshTunnelFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("The SSH tunnel 'reportingTunnel' could not be opened")
					.doesNotContain("ssh.tunnel.")
					.doesNotContain("reporting-secret");
				assertThat(analysis.getDescription() + analysis.getAction()).contains("tunnels.reporting.host-key");
			});
	}

	private String[] appTunnel() {
		return new String[] { "ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.appServer.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.password=app-secret",
				"ssh.tunnel.host-key=" + this.appServer.hostKeyFingerprint(),
				"ssh.tunnel.forwards.db.remote-host=127.0.0.1",
				"ssh.tunnel.forwards.db.remote-port=" + this.appDatabase.getPort() };
	}

	private String[] reportingTunnel() {
		return new String[] { "tunnels.reporting.host=127.0.0.1",
				"tunnels.reporting.port=" + this.reportingServer.port(), "tunnels.reporting.username=bob",
				"tunnels.reporting.password=reporting-secret",
				"tunnels.reporting.host-key=" + this.reportingServer.hostKeyFingerprint(),
				"tunnels.reporting.forwards.db.remote-host=127.0.0.1",
				"tunnels.reporting.forwards.db.remote-port=" + this.reportingDatabase.getPort() };
	}

	private static Integer query(DataSource dataSource) {
		return new JdbcTemplate(dataSource).queryForObject("select 1", Integer.class);
	}

	/**
	 * The documented example: a second prefix bound to the same properties class, and a
	 * tunnel built from it.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ReportingTunnelConfiguration {

		@Bean
		@ConfigurationProperties("tunnels.reporting")
		SshTunnelProperties reportingTunnelProperties() {
			return new SshTunnelProperties();
		}

		@Bean
		SshTunnel reportingTunnel(SshTunnelFactory tunnels,
				@Qualifier("reportingTunnelProperties") SshTunnelProperties properties) {
			return tunnels.create(properties);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReportingDataSourceConfiguration {

		@Bean
		HikariDataSource reportingDataSource(Environment environment) {
			return dataSource(environment, "${local.ssh.tunnel.reportingTunnel.forwards.db.port}", "reporting");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AppDataSourceConfiguration {

		@Bean
		HikariDataSource appDataSource(Environment environment) {
			return dataSource(environment, "${local.ssh.tunnel.forwards.db.port}", "app");
		}

	}

	static HikariDataSource dataSource(Environment environment, String port, String database) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(environment
			.resolveRequiredPlaceholders("jdbc:h2:tcp://127.0.0.1:" + port + "/mem:multiple-tunnels-" + database));
		return dataSource;
	}

	static class ShutdownRecorder implements io.github.sshtunnel.core.SshTunnelListener {

		final List<Boolean> poolsClosedWhenTunnelClosed = new CopyOnWriteArrayList<>();

		volatile List<HikariDataSource> dataSources = List.of();

		@Override
		public void disconnected(io.github.sshtunnel.core.TunnelState state, SshTunnelException cause) {
			if (cause == null && !this.dataSources.isEmpty()) {
				this.poolsClosedWhenTunnelClosed.add(this.dataSources.stream().allMatch(HikariDataSource::isClosed));
			}
		}

	}

}

package io.github.sshtunnel.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.flywaydb.core.Flyway;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelState;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for DataSources reached through the tunnel to an in-process MINA SSH server and
 * an H2 database server, both on loopback.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelDataSourceTests {

	private TestSshServer sshServer;

	private Server database;

	private Server secondDatabase;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void startServers() throws SQLException {
		this.sshServer = TestSshServer.withPassword("alice", "secret").start();
		this.database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		this.secondDatabase = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.sshServer.port(),
					"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
					"ssh.tunnel.host-key=" + this.sshServer.hostKeyFingerprint(),
					"ssh.tunnel.forwards.db.remote-host=127.0.0.1",
					"ssh.tunnel.forwards.db.remote-port=" + this.database.getPort());
	}

	@AfterEach
	void stopServers() {
		this.database.stop();
		this.secondDatabase.stop();
		this.sshServer.close();
	}

	@Test
	void autoConfiguredDataSourceQueriesThroughTheTunnel() {
		this.contextRunner
			.withPropertyValues(
					"spring.datasource.url=jdbc:h2:tcp://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/mem:auto")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				int port = tunnel.localPort("db");
				assertThat(port).isPositive();
				assertThat(context.getEnvironment().getProperty("local.ssh.tunnel.forwards.db.port", Integer.class))
					.isEqualTo(port);
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				assertThat(dataSource.getJdbcUrl()).contains(":" + port + "/");
				assertThat(new JdbcTemplate(dataSource).queryForObject("select 6 * 7", Integer.class)).isEqualTo(42);
				assertThat(tunnel.state().forward("db").openedConnections()).isPositive();
				assertThat(tunnel.state().forward("db").bytesInbound()).isPositive();
			});
	}

	@Test
	void userDefinedDataSourceIsCreatedAfterTheTunnel() {
		this.contextRunner.withUserConfiguration(UserDataSourceConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(((HikariDataSource) dataSource).getJdbcUrl())
				.contains(":" + context.getBean(SshTunnel.class).localPort("db") + "/");
			assertThat(new JdbcTemplate(dataSource).queryForObject("select 1", Integer.class)).isEqualTo(1);
		});
	}

	@Test
	void twoForwardsShareOneSession() {
		this.contextRunner
			.withPropertyValues("ssh.tunnel.forwards.other.remote-host=127.0.0.1",
					"ssh.tunnel.forwards.other.remote-port=" + this.secondDatabase.getPort(),
					"spring.datasource.url=jdbc:h2:tcp://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/mem:first")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				assertThat(tunnel.localPort("db")).isNotEqualTo(tunnel.localPort("other"));
				String otherUrl = context.getEnvironment()
					.resolvePlaceholders("jdbc:h2:tcp://127.0.0.1:${local.ssh.tunnel.forwards.other.port}/mem:second");
				try (HikariDataSource other = new HikariDataSource()) {
					other.setJdbcUrl(otherUrl);
					new JdbcTemplate(other).execute("create table marker (id int)");
					new JdbcTemplate(context.getBean(DataSource.class)).queryForObject("select 1", Integer.class);
				}
				assertThat(this.sshServer.activeSessions()).isEqualTo(1);
				assertThat(tunnel.state().forward("db").openedConnections()).isPositive();
				assertThat(tunnel.state().forward("other").openedConnections()).isPositive();
			});
	}

	@Test
	void poolClosesBeforeTheTunnelAndEverythingIsReleased() throws Exception {
		ShutdownRecorder recorder = new ShutdownRecorder();
		int[] port = new int[1];
		this.contextRunner
			.withPropertyValues(
					"spring.datasource.url=jdbc:h2:tcp://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/mem:order")
			.withBean(ShutdownRecorder.class, () -> recorder)
			.run((context) -> {
				HikariDataSource dataSource = context.getBean(HikariDataSource.class);
				recorder.dataSource = dataSource;
				new JdbcTemplate(dataSource).queryForObject("select 1", Integer.class);
				port[0] = context.getBean(SshTunnel.class).localPort("db");
				assertThat(context.getBean(SshTunnel.class).state().forward("db").activeConnections()).isPositive();
			});
		assertThat(recorder.events).containsEntry("poolClosedWhenTunnelClosed", true);
		try (ServerSocket socket = new ServerSocket(port[0], 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(socket.getLocalPort()).isEqualTo(port[0]);
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet()).noneMatch((thread) -> thread.isAlive()
					&& (thread.getName().startsWith("ssh-tunnel-") || thread.getName().startsWith("sshd-SshClient"))));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.sshServer.activeSessions() == 0);
	}

	@Test
	void flywayWithItsOwnUrlMigratesThroughTheTunnel() {
		String url = "jdbc:h2:tcp://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/mem:app;DB_CLOSE_DELAY=-1";
		try (ConfigurableApplicationContext context = runWithOwnMigrationUrl(FlywayApplication.class, "flyway", url)) {
			SshTunnel tunnel = context.getBean(SshTunnel.class);
			assertThat(context.getBean(Flyway.class).info().applied()).hasSize(1);
			assertThat(tunnel.state().forward("db").openedConnections()).isGreaterThanOrEqualTo(2);
			assertThat(new JdbcTemplate(context.getBean(DataSource.class))
				.queryForObject("select count(*) from greeting", Integer.class)).isEqualTo(1);
		}
	}

	@Test
	void liquibaseWithItsOwnUrlMigratesThroughTheTunnel() {
		String url = "jdbc:h2:tcp://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/mem:lb;DB_CLOSE_DELAY=-1";
		try (ConfigurableApplicationContext context = runWithOwnMigrationUrl(LiquibaseApplication.class, "liquibase",
				url)) {
			assertThat(new JdbcTemplate(context.getBean(DataSource.class))
				.queryForObject("select count(*) from visitor", Integer.class)).isEqualTo(1);
			assertThat(context.getBean(SshTunnel.class).state().forward("db").openedConnections())
				.isGreaterThanOrEqualTo(2);
		}
	}

	private ConfigurableApplicationContext runWithOwnMigrationUrl(Class<?> application, String tool, String url) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.sshServer.port(),
					"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
					"ssh.tunnel.host-key=" + this.sshServer.hostKeyFingerprint(),
					"ssh.tunnel.forwards.db.remote-host=127.0.0.1",
					"ssh.tunnel.forwards.db.remote-port=" + this.database.getPort(), "spring.datasource.url=" + url,
					"spring.datasource.username=sa", "spring." + tool + ".url=" + url, "spring." + tool + ".user=sa",
					"spring.main.banner-mode=off")
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class,
			FlywayAutoConfiguration.class })
	static class FlywayApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class,
			LiquibaseAutoConfiguration.class })
	static class LiquibaseApplication {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataSourceConfiguration {

		@Bean
		HikariDataSource userDataSource(Environment environment) {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl(environment.getRequiredProperty("local.ssh.tunnel.forwards.db.port", Integer.class)
				.toString()
				.transform((port) -> "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:user"));
			return dataSource;
		}

	}

	static class ShutdownRecorder implements SshTunnelListener {

		final Map<String, Boolean> events = new ConcurrentHashMap<>();

		volatile HikariDataSource dataSource;

		@Override
		public void disconnected(TunnelState state, SshTunnelException cause) {
			if (cause == null && this.dataSource != null) {
				this.events.put("poolClosedWhenTunnelClosed", this.dataSource.isClosed());
			}
		}

	}

}

package io.github.sshtunnel.openssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.health.SshTunnelHealthContributorAutoConfiguration;
import io.github.sshtunnel.autoconfigure.jdbc.SshTunnelDataSourceAutoConfiguration;
import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.health.SshTunnelHealthIndicator;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.ListeningPorts;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.TestPostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code socket} mode through a real OpenSSH {@code sshd}: the DataSource keeps
 * {@code spring.datasource.url} as written, the driver's socket factory opens a
 * {@code direct-tcpip} channel per connection, and TLS host-name verification
 * ({@code sslmode=verify-full}) works against a PostgreSQL started here whose certificate
 * names {@code localhost} only. Mandatory in CI.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshSocketModeTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	private static TestPostgres postgres;

	private static OpenSshServer sshd;

	private static Path knownHosts;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(SshTunnelAutoConfiguration.class, SshTunnelDataSourceAutoConfiguration.class,
						DataSourceAutoConfiguration.class, SshTunnelHealthContributorAutoConfiguration.class))
		.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + sshd.port(),
				"ssh.tunnel.username=" + sshd.user(),
				"ssh.tunnel.private-key=file:" + KEYS.resolve("ed25519_openssh").toAbsolutePath(),
				"ssh.tunnel.known-hosts=file:" + knownHosts, "ssh.tunnel.datasource.enabled=true");

	@BeforeAll
	static void start() throws Exception {
		Peers.requireOpenSsh();
		Peers.require(TestPostgres.available(), "PostgreSQL server binaries and openssl");
		postgres = TestPostgres.start();
		sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		knownHosts = sshd.writeKnownHosts(Files.createTempFile("known_hosts", ""), "ed25519", true);
	}

	@AfterAll
	static void stop() throws Exception {
		if (sshd != null) {
			sshd.close();
		}
		if (postgres != null) {
			postgres.close();
		}
		if (knownHosts != null) {
			Files.deleteIfExists(knownHosts);
		}
	}

	private static String verifyFullUrl(String hosts) {
		return "jdbc:postgresql://" + hosts + "/postgres?sslmode=verify-full&sslrootcert=" + postgres.caCertificate();
	}

	@Test
	void postgresWithVerifyFullWorksInSocketModeWithoutALocalPort() throws IOException {
		Set<Integer> before = ListeningPorts.ofThisJvm();
		String url = verifyFullUrl("localhost:" + postgres.port());
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(
						jdbc.queryForObject("select ssl from pg_stat_ssl where pid = pg_backend_pid()", Boolean.class))
					.isTrue();
				assertThat(context.getEnvironment().getProperty("spring.datasource.url")).isEqualTo(url);
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				ForwardState route = tunnel.state().forward("datasource");
				assertThat(route.isInProcess()).isTrue();
				assertThat(route.remoteHost()).isEqualTo("localhost");
				assertThat(route.openedConnections()).isPositive();
				assertThat(tunnel.state().forwards()).noneMatch(ForwardState::isBound);
				assertThat(ListeningPorts.ofThisJvm()).isEqualTo(before);
				Health health = context.getBean("sshTunnelHealthIndicator", SshTunnelHealthIndicator.class)
					.health(true);
				assertThat(health.getDetails()).containsEntry("datasource", "socket");
			});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void theSameVerifyFullUrlFailsInPortModeAndTheWarningPointsToSocketMode(CapturedOutput output) {
		String url = verifyFullUrl("localhost:" + postgres.port());
		this.contextRunner
			.withPropertyValues("ssh.tunnel.datasource.mode=port", "spring.datasource.url=" + url,
					"spring.datasource.username=postgres", "spring.datasource.hikari.connection-timeout=3000")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output)
					.contains("spring.datasource.url asks for TLS host-name verification, which will "
							+ "fail in port mode")
					.contains("Use ssh.tunnel.datasource.mode=socket");
				ForwardState forward = context.getBean(SshTunnel.class).state().forward("datasource");
				assertThat(forward.isBound()).isTrue();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThatException().isThrownBy(() -> jdbc.queryForObject("select 1", Integer.class))
					.havingRootCause()
					.withMessageContaining("127.0.0.1")
					.withMessageContaining("could not be verified");
				// the forward carried the connection: only the host name check failed
				assertThat(context.getBean(SshTunnel.class).state().forward("datasource").openedConnections())
					.isPositive();
				Health health = context.getBean("sshTunnelHealthIndicator", SshTunnelHealthIndicator.class)
					.health(true);
				assertThat(health.getDetails()).containsEntry("datasource", "port");
			});
	}

	@Test
	void multiHostUrlFailsOverToTheSecondHostThroughTheTunnel() throws IOException {
		int closedPort = freePort();
		String url = verifyFullUrl("localhost:" + closedPort + ",localhost:" + postgres.port());
		this.contextRunner.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select inet_server_port()", Integer.class)).isEqualTo(postgres.port());
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				assertThat(tunnel.state().forward("datasource").remotePort()).isEqualTo(closedPort);
				assertThat(tunnel.state().forward("datasource").failedConnections()).isPositive();
				assertThat(tunnel.state().forward("datasource-2").openedConnections()).isPositive();
			});
	}

	@Test
	void flywayMigratesThroughTheTunnelWithItsOwnUrlAsWritten() {
		String url = verifyFullUrl("localhost:" + postgres.port());
		String flywayUrl = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres";
		this.contextRunner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres",
					"spring.flyway.url=" + flywayUrl, "spring.flyway.user=postgres",
					"spring.flyway.locations=classpath:db/socketmode", "spring.flyway.table=socket_mode_history")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				// Flyway's own URL names 127.0.0.1: its own route, opened before the
				// DataSource's
				ForwardState flywayRoute = tunnel.state()
					.forwards()
					.stream()
					.filter((forward) -> forward.remoteHost().equals("127.0.0.1"))
					.findFirst()
					.orElseThrow();
				assertThat(flywayRoute.isInProcess()).isTrue();
				assertThat(flywayRoute.openedConnections()).isPositive();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select text from socket_mode_greeting where id = 1", String.class))
					.isEqualTo("through the channel");
				jdbc.execute("drop table socket_mode_greeting");
				jdbc.execute("drop table socket_mode_history");
			});
	}

	@Test
	void liquibaseMigratesThroughTheTunnelWithItsOwnUrlAsWritten() {
		String url = verifyFullUrl("localhost:" + postgres.port());
		String liquibaseUrl = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres";
		this.contextRunner.withConfiguration(AutoConfigurations.of(LiquibaseAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + url, "spring.datasource.username=postgres",
					"spring.liquibase.url=" + liquibaseUrl, "spring.liquibase.user=postgres",
					"spring.liquibase.change-log=classpath:db/changelog/db.changelog-master.yaml",
					"spring.liquibase.database-change-log-table=socket_mode_changelog",
					"spring.liquibase.database-change-log-lock-table=socket_mode_changelog_lock")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				ForwardState liquibaseRoute = tunnel.state()
					.forwards()
					.stream()
					.filter((forward) -> forward.remoteHost().equals("127.0.0.1"))
					.findFirst()
					.orElseThrow();
				assertThat(liquibaseRoute.isInProcess()).isTrue();
				assertThat(liquibaseRoute.openedConnections()).isPositive();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select count(*) from visitor", Integer.class)).isPositive();
				jdbc.execute("drop table visitor");
				jdbc.execute("drop table socket_mode_changelog");
				jdbc.execute("drop table socket_mode_changelog_lock");
			});
	}

	@Test
	void withTheTunnelDisabledTheSameConfigurationConnectsDirectly() {
		String url = verifyFullUrl("localhost:" + postgres.port());
		this.contextRunner
			.withPropertyValues("ssh.tunnel.enabled=false", "spring.datasource.url=" + url,
					"spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SshTunnel.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(
						jdbc.queryForObject("select ssl from pg_stat_ssl where pid = pg_backend_pid()", Boolean.class))
					.isTrue();
			});
	}

	@Test
	void mariaDbConnectorJInSocketMode() {
		Peers.requireMariaDb();
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:mariadb://127.0.0.1:3306/",
					"spring.datasource.username=root")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
				assertThat(context.getBean(SshTunnel.class).state().forward("datasource").openedConnections())
					.isPositive();
			});
	}

	@Test
	void mySqlConnectorJInSocketMode() {
		Peers.requireMariaDb();
		this.contextRunner
			.withPropertyValues("spring.datasource.url=jdbc:mysql://127.0.0.1:3306/", "spring.datasource.username=root")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
				assertThat(context.getBean(SshTunnel.class).state().forward("datasource").openedConnections())
					.isPositive();
			});
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}

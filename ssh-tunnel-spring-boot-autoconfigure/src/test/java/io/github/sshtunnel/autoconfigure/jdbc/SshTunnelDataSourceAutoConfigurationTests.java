package io.github.sshtunnel.autoconfigure.jdbc;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.h2.tools.Server;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.SshTunnelDataSourceProperties.Mode;
import io.github.sshtunnel.autoconfigure.health.SshTunnelHealthContributorAutoConfiguration;
import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.health.SshTunnelHealthIndicator;
import io.github.sshtunnel.jdbc.SshTunnelJdbc;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SshTunnelDataSourceAutoConfiguration}: the auto-configured DataSource
 * in {@code socket} mode through the in-process MINA server to the machine's PostgreSQL
 * (127.0.0.1:5432), and the start-up failures of what is not supported.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelDataSourceAutoConfigurationTests {

	private static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";

	private TestSshServer server;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		this.server = TestSshServer.withPassword("alice", "secret").start();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, SshTunnelDataSourceAutoConfiguration.class,
							SshTunnelR2dbcRoutingAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
					"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
					"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(), "ssh.tunnel.connect-timeout=3s",
					"ssh.tunnel.keepalive.interval=500ms", "ssh.tunnel.keepalive.count-max=2",
					"ssh.tunnel.reconnect.initial-delay=200ms", "ssh.tunnel.reconnect.max-delay=1s");
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void dataSourceKeepsItsUrlAndConnectsThroughTheTunnel() {
		Peers.requirePostgres();
		this.contextRunner
			.withPropertyValues("ssh.tunnel.datasource.enabled=true", "spring.datasource.url=" + POSTGRES_URL,
					"spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SshTunnelDataSourceRouting.class).mode()).isEqualTo(Mode.SOCKET);
				assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl()).startsWith(POSTGRES_URL + "?")
					.contains("socketFactoryArg=sshTunnel");
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
				assertThat(context.getBean(SshTunnel.class).state().forward("datasource").openedConnections())
					.isPositive();
			});
	}

	@Test
	void whileTheSessionIsDownANewConnectionFailsAtOnceAndWorksAfterReconnection() {
		Peers.requirePostgres();
		this.contextRunner
			.withPropertyValues("ssh.tunnel.datasource.enabled=true", "spring.datasource.url=" + POSTGRES_URL,
					"spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				String url = context.getBean(JdbcConnectionDetails.class).getJdbcUrl();
				Properties user = new Properties();
				user.setProperty("user", "postgres");
				this.server.stop();
				await().atMost(Duration.ofSeconds(10)).until(() -> !tunnel.state().isUp());
				long start = System.nanoTime();
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> DriverManager.getConnection(url, user))
					.havingRootCause()
					.isInstanceOf(ConnectException.class)
					.withMessageContaining("SSH session to")
					.withMessageContaining("is down");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
				this.server.start();
				await().atMost(Duration.ofSeconds(15)).until(() -> tunnel.state().isUp());
				try (Connection connection = DriverManager.getConnection(url, user)) {
					assertThat(connection.isValid(5)).isTrue();
				}
			});
	}

	@Test
	void withoutTheSwitchTheDataSourceIsLeftAlone() {
		this.contextRunner.withPropertyValues("spring.datasource.url=" + POSTGRES_URL).run((context) -> {
			assertThat(context).doesNotHaveBean(SshTunnelDataSourceRouting.class);
			assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl()).isEqualTo(POSTGRES_URL);
		});
	}

	@Test
	void withTheTunnelDisabledNothingIsChanged() {
		this.contextRunner
			.withPropertyValues("ssh.tunnel.enabled=false", "ssh.tunnel.datasource.enabled=true",
					"ssh.tunnel.r2dbc.enabled=true", "spring.datasource.url=" + POSTGRES_URL)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SshTunnel.class);
				assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl()).isEqualTo(POSTGRES_URL);
			});
	}

	@Test
	void portModeForwardsTheUrlsHostAndRewritesItToTheLocalEnd() {
		Peers.requirePostgres();
		this.contextRunner
			.withPropertyValues("ssh.tunnel.datasource.enabled=true", "ssh.tunnel.datasource.mode=port",
					"spring.datasource.url=" + POSTGRES_URL, "spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SshTunnelDataSourceRouting.class).mode()).isEqualTo(Mode.PORT);
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				ForwardState forward = tunnel.state().forward("datasource");
				assertThat(forward.isBound()).isTrue();
				assertThat(forward.remoteHost()).isEqualTo("127.0.0.1");
				assertThat(forward.remotePort()).isEqualTo(5432);
				assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl())
					.isEqualTo("jdbc:postgresql://127.0.0.1:" + forward.localPort() + "/postgres");
				assertThat(context.getEnvironment().getProperty("spring.datasource.url")).isEqualTo(POSTGRES_URL);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
				assertThat(tunnel.state().forward("datasource").openedConnections()).isPositive();
			});
	}

	@Test
	void autoModeRoutesH2TcpInPortModeWithTheUrlAsWritten() throws SQLException {
		Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		try {
			String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:portmode;DB_CLOSE_DELAY=-1";
			this.contextRunner
				.withConfiguration(AutoConfigurations.of(SshTunnelHealthContributorAutoConfiguration.class))
				.withPropertyValues("ssh.tunnel.datasource.enabled=true", "spring.datasource.url=" + url)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(SshTunnelDataSourceRouting.class).mode()).isEqualTo(Mode.PORT);
					assertThat(context.getBean("sshTunnelHealthIndicator", SshTunnelHealthIndicator.class)
						.health(true)
						.getDetails()).containsEntry("datasource", "port");
					SshTunnel tunnel = context.getBean(SshTunnel.class);
					int localPort = tunnel.state().forward("datasource").localPort();
					assertThat(localPort).isPositive().isNotEqualTo(h2.getPort());
					assertThat(context.getBean(JdbcConnectionDetails.class).getJdbcUrl())
						.isEqualTo("jdbc:h2:tcp://127.0.0.1:" + localPort + "/mem:portmode;DB_CLOSE_DELAY=-1");
					JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
					jdbc.execute("create table greeting (text varchar(40))");
					jdbc.update("insert into greeting values ('through the forward')");
					assertThat(jdbc.queryForObject("select text from greeting", String.class))
						.isEqualTo("through the forward");
					assertThat(tunnel.state().forward("datasource").openedConnections()).isPositive();
				});
			// the data is in the H2 server itself, reached directly
			try (Connection direct = DriverManager
				.getConnection("jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:portmode;DB_CLOSE_DELAY=-1")) {
				assertThat(direct.createStatement().executeQuery("select count(*) from greeting").next()).isTrue();
			}
		}
		finally {
			h2.stop();
		}
	}

	@Test
	void flywayAndLiquibaseUrlsShareTheForwardOfTheSameHostAndPortAndGetTheirOwnOtherwise() throws SQLException {
		Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		Server otherH2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		try {
			String url = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:app;DB_CLOSE_DELAY=-1";
			String flywayUrl = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:migrations;DB_CLOSE_DELAY=-1";
			String liquibaseUrl = "jdbc:h2:tcp://127.0.0.1:" + otherH2.getPort() + "/mem:changes;DB_CLOSE_DELAY=-1";
			this.contextRunner
				.withPropertyValues("ssh.tunnel.datasource.enabled=true", "ssh.tunnel.datasource.mode=port",
						"spring.datasource.url=" + url, "spring.flyway.url=" + flywayUrl,
						"spring.liquibase.url=" + liquibaseUrl)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					SshTunnel tunnel = context.getBean(SshTunnel.class);
					assertThat(tunnel.state().forwards()).extracting(ForwardState::name)
						.containsExactly("datasource", "liquibase");
					int shared = tunnel.state().forward("datasource").localPort();
					int own = tunnel.state().forward("liquibase").localPort();
					String routedFlyway = context.getBean(FlywayConnectionDetails.class).getJdbcUrl();
					String routedLiquibase = context.getBean(LiquibaseConnectionDetails.class).getJdbcUrl();
					assertThat(routedFlyway)
						.isEqualTo("jdbc:h2:tcp://127.0.0.1:" + shared + "/mem:migrations;DB_CLOSE_DELAY=-1");
					assertThat(routedLiquibase)
						.isEqualTo("jdbc:h2:tcp://127.0.0.1:" + own + "/mem:changes;DB_CLOSE_DELAY=-1");
					for (String routed : new String[] { routedFlyway, routedLiquibase }) {
						try (Connection connection = DriverManager.getConnection(routed)) {
							assertThat(connection.isValid(5)).isTrue();
						}
					}
					assertThat(tunnel.state().forward("liquibase").openedConnections()).isPositive();
				});
		}
		finally {
			h2.stop();
			otherH2.stop();
		}
	}

	@Test
	void aForwardOfTheUsersNamedLikeAPortModeForwardFailsStartUpNamingIt() {
		this.contextRunner
			.withPropertyValues("ssh.tunnel.datasource.enabled=true", "ssh.tunnel.datasource.mode=port",
					"spring.datasource.url=" + POSTGRES_URL, "ssh.tunnel.forwards.datasource.remote-port=5432")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(SshTunnelException.class)
				.hasMessageContaining("ssh.tunnel.forwards.datasource")
				.hasMessageContaining("clashes with the forward of that name that port mode adds"));
	}

	@Test
	void unsupportedUrlFailsStartUpNamingTheSchemeAndTheForwards() {
		this.contextRunner
			.withPropertyValues("ssh.tunnel.datasource.enabled=true", "spring.datasource.url=jdbc:sqlite:/var/app.db")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(SshTunnelException.class)
				.hasMessageContaining("spring.datasource.url")
				.hasMessageContaining("jdbc:sqlite")
				.extracting("action", InstanceOfAssertFactories.STRING)
				.contains("ssh.tunnel.forwards"));
		this.contextRunner
			.withPropertyValues("ssh.tunnel.datasource.enabled=true", "ssh.tunnel.datasource.mode=port",
					"spring.datasource.url=jdbc:h2:mem:app")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("jdbc:h2")
				.hasMessageContaining("ssh.tunnel.forwards"));
	}

	@Test
	void socketModeWithADriverWithoutSocketFactoryFailsStartUp() {
		this.contextRunner
			.withPropertyValues("ssh.tunnel.datasource.enabled=true", "ssh.tunnel.datasource.mode=socket",
					"spring.datasource.url=jdbc:oracle:thin:@//db.internal:1521/app")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ssh.tunnel.datasource.mode is socket")
				.hasMessageContaining("jdbc:oracle:"));
	}

	@Test
	void missingUrlFailsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("ssh.tunnel.datasource.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("spring.datasource.url is not set"));
	}

	@Test
	void r2dbcPostgresConnectsThroughALocalForwardWithTheUrlAsWritten() {
		Peers.requirePostgres();
		String url = "r2dbc:postgresql://127.0.0.1:5432/postgres";
		this.contextRunner.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.r2dbc.enabled=true", "spring.r2dbc.url=" + url,
					"spring.r2dbc.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				ForwardState forward = tunnel.state().forward("r2dbc");
				assertThat(forward.isBound()).isTrue();
				assertThat(context.getBean(R2dbcConnectionDetails.class)
					.getConnectionFactoryOptions()
					.getValue(ConnectionFactoryOptions.PORT)).isEqualTo(forward.localPort());
				assertThat(context.getEnvironment().getProperty("spring.r2dbc.url")).isEqualTo(url);
				ConnectionFactory connectionFactory = context.getBean(ConnectionFactory.class);
				Integer one = Mono
					.usingWhen(connectionFactory.create(),
							(connection) -> Mono.from(connection.createStatement("select 1 as one").execute())
								.flatMap((result) -> Mono
									.from(result.map((row, meta) -> row.get("one", Integer.class)))),
							io.r2dbc.spi.Connection::close)
					.block(Duration.ofSeconds(20));
				assertThat(one).isEqualTo(1);
				assertThat(tunnel.state().forward("r2dbc").openedConnections()).isPositive();
			});
	}

	@Test
	void userDefinedDataSourceGetsTheDriverPropertiesForItsTunnel() {
		assertThat(SshTunnelJdbc.driverProperties(POSTGRES_URL, "reporting")).containsEntry("socketFactoryArg",
				"reporting");
	}

}

package io.github.sshtunnel.openssh;

import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.SshTunnelPortsEnvironmentPostProcessor;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real thing: a real OpenSSH {@code sshd} in front of the real PostgreSQL and MariaDB
 * on this machine, queried through the tunnel by an auto-configured DataSource (and an
 * R2DBC ConnectionFactory). Mandatory in CI. The Docker variant of the same path is
 * {@code SshTunnelContainersTests}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshDatabaseTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void startSshd() {
		Peers.requireOpenSsh();
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", true);
		this.contextRunner = new ApplicationContextRunner()
			// as SpringApplication would: lets conditions resolve the tunnel's port
			// placeholders
			.withInitializer((context) -> new SshTunnelPortsEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.sshd.port(),
					"ssh.tunnel.username=" + this.sshd.user(),
					"ssh.tunnel.private-key=file:" + KEYS.resolve("ed25519_openssh").toAbsolutePath(),
					"ssh.tunnel.known-hosts=file:" + knownHosts, "ssh.tunnel.forwards.db.remote-host=localhost");
	}

	@AfterEach
	void stopSshd() {
		if (this.sshd != null) {
			this.sshd.close();
		}
	}

	@Test
	void queriesPostgresThroughOpenSsh() {
		Peers.requirePostgres();
		this.contextRunner
			.withPropertyValues("ssh.tunnel.forwards.db.remote-port=5432",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/postgres",
					"spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select inet_server_port()", Integer.class)).isEqualTo(5432);
				assertThat(jdbc.queryForObject("select count(*) from generate_series(1, 1000)", Integer.class))
					.isEqualTo(1000);
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				assertThat(tunnel.state().forward("db").openedConnections()).isPositive();
			});
	}

	@Test
	void queriesMariaDbThroughOpenSsh() {
		Peers.requireMariaDb();
		this.contextRunner
			.withPropertyValues("ssh.tunnel.forwards.db.remote-host=127.0.0.1",
					"ssh.tunnel.forwards.db.remote-port=3306",
					"spring.datasource.url=jdbc:mariadb://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/",
					"spring.datasource.username=root")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select @@port", Integer.class)).isEqualTo(3306);
				assertThat(context.getBean(SshTunnel.class).state().forward("db").openedConnections()).isPositive();
			});
	}

	@Test
	void r2dbcConnectionFactoryIsCreatedAfterTheTunnel() {
		Peers.requirePostgres();
		this.contextRunner.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.forwards.db.remote-port=5432",
					"spring.r2dbc.url=r2dbc:postgresql://postgres@127.0.0.1:${local.ssh.tunnel.forwards.db.port}/postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ConnectionFactory factory = context.getBean(ConnectionFactory.class);
				Integer port = Mono
					.usingWhen(Mono.from(factory.create()),
							(connection) -> Mono.from(connection.createStatement("select inet_server_port()").execute())
								.flatMap((result) -> Mono.from(result.map((row, meta) -> row.get(0, Integer.class)))),
							(connection) -> connection.close())
					.block(Duration.ofSeconds(30));
				assertThat(port).isEqualTo(5432);
			});
	}

}

package io.github.sshtunnel.openssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
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
 * {@code ssh.tunnel.ssh-config} with {@code ProxyJump} against real OpenSSH: a jump
 * {@code sshd} that may forward only to the target {@code sshd}, PostgreSQL queried
 * through the chain with nothing but {@code host} (an alias), {@code ssh-config} and a
 * forward set. A hop that is an alias of the same file is looked up for its
 * {@code HostName}, {@code Port} and {@code User}, as {@code ssh -J} does. Explicit
 * {@code jump-hosts} win over the file's {@code ProxyJump}. The jump sshd's debug log
 * ({@code server_request_direct_tcpip}) proves the route. Mandatory in CI.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshConfigJumpHostTests {

	private static final Path KEY = KeyFixtures.DIRECTORY.toAbsolutePath().resolve("ed25519_openssh");

	@TempDir
	Path temp;

	private OpenSshServer target;

	private OpenSshServer jump;

	private Path config;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() throws IOException {
		Peers.requireOpenSsh();
		Peers.requirePostgres();
		this.target = new OpenSshServer().authorize(Path.of(KEY + ".pub"))
			.configure("PermitOpen localhost:5432 127.0.0.1:5432")
			.start();
		this.jump = new OpenSshServer().authorize(Path.of(KEY + ".pub"))
			.configure("LogLevel DEBUG1", "PermitOpen 127.0.0.1:" + this.target.port())
			.start();
		Path knownHosts = this.target.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false);
		Path jumpKnownHost = this.jump.writeKnownHosts(this.temp.resolve("known_hosts_jump"), "ed25519", false);
		Files.writeString(knownHosts, Files.readString(jumpKnownHost), StandardOpenOption.APPEND);
		String user = this.target.user();
		this.config = Files.writeString(this.temp.resolve("config"), """
				Host bastion
				  HostName 127.0.0.1
				  Port %d
				  User %s

				Host db db-written db-unreachable-jump
				  HostName 127.0.0.1
				  Port %d
				  User %s
				  IdentityFile %s
				  UserKnownHostsFile %s

				Host db
				  ProxyJump bastion

				Host db-written
				  ProxyJump %s@127.0.0.1:%d

				Host db-unreachable-jump
				  ProxyJump 127.0.0.1:1
				""".formatted(this.jump.port(), user, this.target.port(), user, KEY, knownHosts, user,
				this.jump.port()));
		this.contextRunner = new ApplicationContextRunner()
			.withInitializer((context) -> new SshTunnelPortsEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.ssh-config=file:" + this.config,
					"ssh.tunnel.forwards.db.remote-host=localhost", "ssh.tunnel.forwards.db.remote-port=5432",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/postgres",
					"spring.datasource.username=postgres");
	}

	@AfterEach
	void stop() {
		for (OpenSshServer server : new OpenSshServer[] { this.jump, this.target }) {
			if (server != null) {
				server.close();
			}
		}
	}

	@Test
	void queriesPostgresThroughAProxyJumpAliasOfTheFile() {
		assertQueriesThroughTheJumpHost("db");
	}

	@Test
	void queriesPostgresThroughAProxyJumpWrittenAsUserHostPort() {
		assertQueriesThroughTheJumpHost("db-written");
	}

	@Test
	void explicitJumpHostsWinOverTheFilesProxyJump() {
		this.contextRunner
			.withPropertyValues("ssh.tunnel.host=db-unreachable-jump", "ssh.tunnel.jump-hosts[0].host=127.0.0.1",
					"ssh.tunnel.jump-hosts[0].port=" + this.jump.port())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertQuery(context.getBean(DataSource.class));
				assertThat(this.jump.log()).contains("server_request_direct_tcpip")
					.contains("port " + this.target.port());
				assertThat(context.getBean(SshTunnel.class).state().jumpHosts())
					.containsExactly("127.0.0.1:" + this.jump.port());
			});
	}

	private void assertQueriesThroughTheJumpHost(String alias) {
		this.contextRunner.withPropertyValues("ssh.tunnel.host=" + alias).run((context) -> {
			assertThat(context).hasNotFailed();
			assertQuery(context.getBean(DataSource.class));
			assertThat(this.jump.log()).contains("server_request_direct_tcpip").contains("port " + this.target.port());
			assertThat(context.getBean(SshTunnel.class).state().jumpHosts())
				.containsExactly("127.0.0.1:" + this.jump.port());
		});
	}

	private static void assertQuery(DataSource dataSource) {
		assertThat(new JdbcTemplate(dataSource).queryForObject("select inet_server_port()", Integer.class))
			.isEqualTo(5432);
	}

}

package io.github.sshtunnel.openssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

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
import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.JumpHost;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Jump hosts with real OpenSSH: a jump {@code sshd} that may forward only to the target
 * {@code sshd}'s port, each with its own host key (checked under its own
 * {@code [127.0.0.1]:port} entry) and its own authorized key, in front of the real
 * PostgreSQL. The jump sshd's debug log ({@code server_request_direct_tcpip}) proves the
 * route. Mandatory in CI.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshJumpHostTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	private static final Path JUMP_KEY = KEYS.resolve("rsa_openssh");

	private static final Path TARGET_KEY = KEYS.resolve("ed25519_openssh");

	@TempDir
	Path temp;

	private OpenSshServer target;

	private OpenSshServer jump;

	private OpenSshServer secondJump;

	private Path knownHosts;

	@BeforeEach
	void startServers() {
		Peers.requireOpenSsh();
		Peers.requirePostgres();
		this.target = new OpenSshServer().authorize(Path.of(TARGET_KEY + ".pub"))
			.configure("PermitOpen localhost:5432 127.0.0.1:5432")
			.start();
		// PermitOpen is set by each test: sshd takes the first value
		this.jump = new OpenSshServer().authorize(Path.of(JUMP_KEY + ".pub")).configure("LogLevel DEBUG1");
		this.knownHosts = this.temp.resolve("known_hosts");
		this.target.writeKnownHosts(this.knownHosts, "ed25519", false);
		appendKnownHost(this.jump);
	}

	@AfterEach
	void stopServers() {
		for (OpenSshServer server : new OpenSshServer[] { this.secondJump, this.jump, this.target }) {
			if (server != null) {
				server.close();
			}
		}
	}

	@Test
	void queriesPostgresThroughAJumpHostWithCredentialsPerHop() {
		this.jump.configure("PermitOpen 127.0.0.1:" + this.target.port()).start();
		ApplicationContextRunner contextRunner = new ApplicationContextRunner()
			.withInitializer((context) -> new SshTunnelPortsEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.target.port(),
					"ssh.tunnel.username=" + this.target.user(),
					"ssh.tunnel.private-key=file:" + TARGET_KEY.toAbsolutePath(),
					"ssh.tunnel.known-hosts=file:" + this.knownHosts, "ssh.tunnel.jump-hosts[0].host=127.0.0.1",
					"ssh.tunnel.jump-hosts[0].port=" + this.jump.port(),
					"ssh.tunnel.jump-hosts[0].private-key=file:" + JUMP_KEY.toAbsolutePath(),
					"ssh.tunnel.forwards.db.remote-host=localhost", "ssh.tunnel.forwards.db.remote-port=5432",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/postgres",
					"spring.datasource.username=postgres");
		contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(jdbc.queryForObject("select inet_server_port()", Integer.class)).isEqualTo(5432);
			assertThat(this.jump.log()).contains("server_request_direct_tcpip").contains("port " + this.target.port());
			assertThat(context.getBean(SshTunnel.class).state().jumpHosts())
				.containsExactly("127.0.0.1:" + this.jump.port());
		});
	}

	@Test
	void passwordAtTheJumpHostAndKeyAtTheTarget() throws Exception {
		try (TestSshServer passwordJump = TestSshServer.withPassword("jumper", "jump-secret").start()) {
			TunnelSettings settings = targetSettings()
				.jumpHost(JumpHost.builder("127.0.0.1")
					.port(passwordJump.port())
					.username("jumper")
					.password("jump-secret")
					.hostKey(passwordJump.hostKeyFingerprint())
					.build())
				.build();
			try (SshTunnel tunnel = new SshTunnel(settings).open()) {
				assertThat(serverPort(tunnel.localPort("db"))).isEqualTo(5432);
				assertThat(settings.toString()).doesNotContain("jump-secret");
			}
		}
	}

	@Test
	void refusesAChangedHostKeyAtTheJumpHostNamingIt() {
		this.jump.replaceHostKey();
		this.jump.configure("PermitOpen 127.0.0.1:" + this.target.port()).start();
		TunnelSettings settings = targetSettings().jumpHost(jumpHost(this.jump)).build();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(SshTunnelException.Reason.HOST_KEY_CHANGED);
				assertThat(ex.getJumpHost()).isEqualTo("jump host 1 of 1, 127.0.0.1:" + this.jump.port());
				assertThat(ex.getMessage()).startsWith("jump host 1 of 1, 127.0.0.1:" + this.jump.port() + ": ")
					.contains("has CHANGED");
				assertThat(ex.getAction()).contains("ssh.tunnel.jump-hosts[0]");
			});
		assertThat(this.target.log()).doesNotContain("Accepted publickey");
	}

	@Test
	void reconnectsOnTheSameLocalPortWhenTheJumpHostRestarts() throws Exception {
		this.jump.configure("PermitOpen 127.0.0.1:" + this.target.port()).start();
		TunnelSettings settings = targetSettings().jumpHost(jumpHost(this.jump))
			.keepalive(Duration.ofSeconds(1), 3)
			.reconnect(true, Duration.ofMillis(200), Duration.ofSeconds(1))
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			int localPort = tunnel.localPort("db");
			assertThat(serverPort(localPort)).isEqualTo(5432);
			this.jump.kill();
			await().atMost(Duration.ofSeconds(20)).until(() -> !tunnel.state().isUp());
			this.jump.start();
			await().atMost(Duration.ofSeconds(30))
				.ignoreExceptions()
				.until(() -> tunnel.state().reconnects() >= 1 && serverPort(localPort) == 5432);
			assertThat(tunnel.localPort("db")).isEqualTo(localPort);
		}
	}

	@Test
	void proxyJumpContactsTheFirstHopFirst() {
		this.secondJump = new OpenSshServer().authorize(Path.of(TARGET_KEY + ".pub"))
			.configure("LogLevel DEBUG1", "PermitOpen 127.0.0.1:" + this.target.port())
			.start();
		// the first hop may only reach the second: the reverse order cannot work
		this.jump.authorize(Path.of(TARGET_KEY + ".pub"))
			.configure("PermitOpen 127.0.0.1:" + this.secondJump.port())
			.start();
		appendKnownHost(this.secondJump);
		String user = this.target.user();
		ApplicationContextRunner contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.target.port(),
					"ssh.tunnel.username=" + user, "ssh.tunnel.private-key=file:" + TARGET_KEY.toAbsolutePath(),
					"ssh.tunnel.known-hosts=file:" + this.knownHosts,
					"ssh.tunnel.proxy-jump=" + user + "@127.0.0.1:" + this.jump.port() + "," + user + "@127.0.0.1:"
							+ this.secondJump.port(),
					"ssh.tunnel.forwards.db.remote-host=localhost", "ssh.tunnel.forwards.db.remote-port=5432");
		contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			SshTunnel tunnel = context.getBean(SshTunnel.class);
			assertThat(serverPort(tunnel.localPort("db"))).isEqualTo(5432);
			assertThat(this.jump.log()).contains("port " + this.secondJump.port());
			assertThat(this.secondJump.log()).contains("port " + this.target.port());
		});
	}

	private TunnelSettings.Builder targetSettings() {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.target.port())
			.username(this.target.user())
			.privateKey(PrivateKeySource.ofPath(TARGET_KEY))
			.knownHosts(this.knownHosts)
			.connectTimeout(Duration.ofSeconds(10))
			.forward(new ForwardSettings("db", "127.0.0.1", 0, "localhost", 5432));
	}

	private static JumpHost jumpHost(OpenSshServer server) {
		return JumpHost.builder("127.0.0.1").port(server.port()).privateKey(PrivateKeySource.ofPath(JUMP_KEY)).build();
	}

	private void appendKnownHost(OpenSshServer server) {
		try {
			Path single = server.writeKnownHosts(this.temp.resolve("known_hosts_" + server.port()), "ed25519", false);
			Files.writeString(this.knownHosts, Files.readString(single), StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int serverPort(int localPort) throws SQLException {
		try (Connection connection = DriverManager
			.getConnection("jdbc:postgresql://127.0.0.1:" + localPort + "/postgres?connectTimeout=5", "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select inet_server_port()")) {
			result.next();
			return result.getInt(1);
		}
	}

}

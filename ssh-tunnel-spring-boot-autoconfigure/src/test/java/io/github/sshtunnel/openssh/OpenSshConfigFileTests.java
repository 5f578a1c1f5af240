package io.github.sshtunnel.openssh;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.SshTunnelPortsEnvironmentPostProcessor;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.config.SshConfig;
import io.github.sshtunnel.core.config.SshConfigEntry;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ssh.tunnel.ssh-config} against the real thing: an OpenSSH client configuration
 * with an alias, an {@code Include}d glob and {@code Match} blocks of every kind, a real
 * {@code sshd}, PostgreSQL queried through the alias with nothing but {@code host},
 * {@code ssh-config} and a forward set; explicit properties over the file; and OpenSSH's
 * own resolution ({@code ssh -G}) agreeing with ours. Mandatory in CI.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class OpenSshConfigFileTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY.toAbsolutePath();

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private Path config;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() throws IOException {
		Peers.requireOpenSsh();
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", true);
		Path includes = Files.createDirectories(this.temp.resolve("conf.d"));
		Files.writeString(includes.resolve("10-db.conf"), """
				Host dbalias
				  HostName 127.0.0.1
				  Port %d
				  User %s
				  IdentityFile %s
				  IdentityFile %s
				  UserKnownHostsFile %s %s
				  LocalForward 63999 localhost:5432
				""".formatted(this.sshd.port(), this.sshd.user(), this.temp.resolve("id_missing"),
				KEYS.resolve("ed25519_openssh"), this.temp.resolve("known_hosts"), this.temp.resolve("known_hosts2")));
		Files.writeString(includes.resolve("20-later.conf"), "Host dbalias\n  Port 1\n  User nobody-such\n");
		this.config = Files.writeString(this.temp.resolve("config"), """
				# as a team might keep it
				Include %s/*.conf
				Match exec "false"
				  Port 1
				Match localuser nobody-such
				  Port 1
				Match canonical
				  Port 1
				Match originalhost other-alias
				  User nobody-such
				Match host 127.0.0.1 user %s
				  ServerAliveInterval 5
				  ServerAliveCountMax 4
				Match !host 127.0.0.1
				  ConnectTimeout 3
				Match all
				  StrictHostKeyChecking yes
				  ConnectTimeout 8

				Host viajump
				  HostName db.internal
				  ProxyJump bastion@127.0.0.1:2201,second:2022
				  CertificateFile /keys/app-cert.pub
				  User app
				""".formatted(includes, this.sshd.user()));
		this.contextRunner = new ApplicationContextRunner()
			.withInitializer((context) -> new SshTunnelPortsEnvironmentPostProcessor()
				.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=dbalias", "ssh.tunnel.ssh-config=file:" + this.config,
					"ssh.tunnel.forwards.db.remote-host=127.0.0.1", "ssh.tunnel.forwards.db.remote-port=5432");
	}

	@AfterEach
	void stop() {
		if (this.sshd != null) {
			this.sshd.close();
		}
	}

	@Test
	void queriesPostgresThroughAnAliasOfTheConfigFile(CapturedOutput output) {
		Peers.requirePostgres();
		this.contextRunner
			.withPropertyValues(
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/postgres",
					"spring.datasource.username=postgres")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				assertThat(jdbc.queryForObject("select inet_server_port()", Integer.class)).isEqualTo(5432);
				SshTunnel tunnel = context.getBean(SshTunnel.class);
				assertThat(tunnel.settings().getHost()).isEqualTo("127.0.0.1");
				assertThat(tunnel.settings().getPort()).isEqualTo(this.sshd.port());
				assertThat(tunnel.settings().getKeepaliveCountMax()).isEqualTo(4);
				assertThat(tunnel.state().forward("db").openedConnections()).isPositive();
			});
		assertThat(output).contains(this.config + ":3: 'Match exec' is not supported")
			.contains(this.config + ":5: 'Match localuser' is not supported")
			.contains(this.config + ":7: 'Match canonical' is not supported")
			.contains("localforward is ignored");
	}

	@Test
	void explicitPortWinsOverTheFile() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		this.contextRunner.withPropertyValues("ssh.tunnel.port=" + closedPort, "ssh.tunnel.connect-timeout=5s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(tunnelFailure(context.getStartupFailure()).getReason()).isEqualTo(Reason.CONNECT_FAILED);
			});
	}

	@Test
	void explicitUsernameWinsOverTheFile() {
		this.contextRunner.withPropertyValues("ssh.tunnel.username=nobody-such").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(tunnelFailure(context.getStartupFailure()).getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
		});
		assertThat(this.sshd.log()).contains("nobody-such");
	}

	@Test
	void resolvesAsOpenSshItselfDoes() throws Exception {
		Peers.require(Peers.sshClientAvailable(), "OpenSSH ssh client");
		for (String alias : List.of("dbalias", "viajump")) {
			Map<String, List<String>> openSsh = sshG(alias);
			SshConfigEntry ours = SshConfig.of(this.config).resolve(alias, null, null);
			assertThat(ours.hostName()).as(alias).isEqualTo(openSsh.get("hostname").get(0));
			assertThat((ours.port() != null) ? ours.port() : 22).as(alias)
				.isEqualTo(Integer.valueOf(openSsh.get("port").get(0)));
			assertThat(ours.user()).as(alias).isEqualTo(openSsh.get("user").get(0));
			if (alias.equals("dbalias")) {
				assertThat(ours.identityFiles()).isEqualTo(openSsh.get("identityfile"));
			}
			else {
				// without IdentityFile OpenSSH lists its defaults; the tunnel uses none
				assertThat(ours.identityFiles()).isEmpty();
				assertThat(openSsh.get("identityfile")).allMatch((file) -> file.startsWith("~/.ssh/id_"));
			}
			assertThat(ours.certificateFiles()).as(alias).isEqualTo(openSsh.getOrDefault("certificatefile", List.of()));
			assertThat(ours.proxyJump()).as(alias).isEqualTo(single(openSsh, "proxyjump"));
			assertThat(String.join(" ", ours.userKnownHostsFiles())).as(alias)
				.isEqualTo(alias.equals("dbalias") ? single(openSsh, "userknownhostsfile") : "");
			assertThat(String.valueOf(ours.serverAliveInterval() != null ? ours.serverAliveInterval().toSeconds() : 0))
				.as(alias)
				.isEqualTo(single(openSsh, "serveraliveinterval"));
			assertThat(String.valueOf(ours.serverAliveCountMax() != null ? ours.serverAliveCountMax() : 3)).as(alias)
				.isEqualTo(single(openSsh, "serveralivecountmax"));
			assertThat(String.valueOf(ours.connectTimeout().toSeconds())).as(alias)
				.isEqualTo(single(openSsh, "connecttimeout"));
			assertThat(ours.strictHostKeyChecking()).isEqualTo("yes");
			assertThat(single(openSsh, "stricthostkeychecking")).isEqualTo("true");
		}
	}

	private static String single(Map<String, List<String>> values, String key) {
		List<String> value = values.get(key);
		return (value != null) ? value.get(0) : null;
	}

	private Map<String, List<String>> sshG(String alias) throws Exception {
		Process process = new ProcessBuilder("ssh", "-G", "-F", this.config.toString(), alias).redirectErrorStream(true)
			.start();
		String text;
		try {
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ssh -G finished").isTrue();
			text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
		finally {
			process.destroyForcibly();
		}
		assertThat(process.exitValue()).as(text).isZero();
		Map<String, List<String>> values = new LinkedHashMap<>();
		for (String line : text.split("\n")) {
			int space = line.indexOf(' ');
			if (space > 0) {
				values.computeIfAbsent(line.substring(0, space).toLowerCase(), (k) -> new ArrayList<>())
					.add(line.substring(space + 1).strip());
			}
		}
		return values;
	}

	private static SshTunnelException tunnelFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SshTunnelException tunnelException) {
				return tunnelException;
			}
		}
		throw new AssertionError("No SshTunnelException in " + failure, failure);
	}

}

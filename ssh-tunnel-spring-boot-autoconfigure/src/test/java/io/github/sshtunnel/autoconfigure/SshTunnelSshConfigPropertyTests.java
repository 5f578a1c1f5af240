package io.github.sshtunnel.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.sshtunnel.core.HostKeyChecking;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code ssh.tunnel.ssh-config}: {@code host} as an alias of the file, the file
 * over the defaults, explicit properties (even with a default's value) over the file, for
 * the auto-configured tunnel and a user-defined one.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelSshConfigPropertyTests {

	@TempDir
	Path temp;

	private final TestSshServer server = TestSshServer.withPassword("alice", "config-test-secret").start();

	private final TestTcpServer target = TestTcpServer.echo();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class, SshTunnelAutoConfiguration.class));

	@AfterEach
	void stop() {
		this.server.close();
		this.target.close();
	}

	@Test
	void opensTheTunnelToAnAliasOfTheFile() throws IOException {
		Path config = config("""
				Host db-alias
				  HostName 127.0.0.1
				  Port %d
				  User alice
				  UserKnownHostsFile %s
				  StrictHostKeyChecking accept-new
				  ServerAliveInterval 7
				  ServerAliveCountMax 5
				  ConnectTimeout 4
				""".formatted(this.server.port(), this.temp.resolve("known_hosts")));
		this.contextRunner.withPropertyValues(tunnel("ssh.tunnel", config)).run((context) -> {
			assertThat(context).hasNotFailed();
			SshTunnel tunnel = context.getBean(SshTunnel.class);
			TunnelSettings settings = tunnel.settings();
			assertThat(settings.getHost()).isEqualTo("127.0.0.1");
			assertThat(settings.getPort()).isEqualTo(this.server.port());
			assertThat(settings.getUsername()).isEqualTo("alice");
			assertThat(settings.getKnownHosts()).isEqualTo(this.temp.resolve("known_hosts"));
			assertThat(settings.getHostKeyChecking()).isEqualTo(HostKeyChecking.ACCEPT_NEW);
			assertThat(settings.getKeepaliveInterval()).isEqualTo(Duration.ofSeconds(7));
			assertThat(settings.getKeepaliveCountMax()).isEqualTo(5);
			assertThat(settings.getConnectTimeout()).isEqualTo(Duration.ofSeconds(4));
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "through the alias"))
				.isEqualTo("through the alias");
		});
	}

	@Test
	void explicitPropertiesWinOverTheFileEvenWithTheDefaultsValues() throws IOException {
		Path config = config("""
				Host db-alias
				  HostName 127.0.0.1
				  Port 2200
				  User alice
				  StrictHostKeyChecking accept-new
				  UserKnownHostsFile %s
				  ServerAliveInterval 7
				  ConnectTimeout 4
				""".formatted(this.temp.resolve("known_hosts")));
		this.contextRunner.withPropertyValues(tunnel("ssh.tunnel", config))
			.withPropertyValues("ssh.tunnel.port=" + this.server.port(), "ssh.tunnel.username=bob",
					"ssh.tunnel.connect-timeout=10s", "ssh.tunnel.keepalive.interval=15s",
					"ssh.tunnel.strict-host-key-checking=yes",
					"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(), "ssh.tunnel.fail-fast=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TunnelSettings settings = context.getBean(SshTunnel.class).settings();
				assertThat(settings.getHost()).isEqualTo("127.0.0.1");
				assertThat(settings.getPort()).isEqualTo(this.server.port());
				assertThat(settings.getUsername()).isEqualTo("bob");
				assertThat(settings.getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(settings.getKeepaliveInterval()).isEqualTo(Duration.ofSeconds(15));
				assertThat(settings.getHostKeyChecking()).isEqualTo(HostKeyChecking.YES);
				assertThat(context.getBean(SshTunnel.class).state().isUp()).isFalse();
			});
	}

	@Test
	void userDefinedTunnelDetectsItsOwnExplicitProperties() throws IOException {
		Path config = config("Host db-alias\n  HostName 127.0.0.1\n  Port 2200\n  User alice\n");
		this.contextRunner.withUserConfiguration(ConfigTunnelConfiguration.class)
			.withPropertyValues(tunnel("tunnels.config", config))
			.withPropertyValues("tunnels.config.port=" + this.server.port(), "tunnels.config.fail-fast=false",
					"tunnels.config.host-key=" + this.server.hostKeyFingerprint())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TunnelSettings settings = context.getBean("configTunnel", SshTunnel.class).settings();
				assertThat(settings.getPort()).isEqualTo(this.server.port());
				assertThat(settings.getUsername()).isEqualTo("alice");
			});
	}

	@Test
	void badValueFailsStartNamingFileLineAndProperty() throws IOException {
		Path config = config("Host db-alias\n  HostName 127.0.0.1\n  Port abc\n");
		this.contextRunner.withPropertyValues(tunnel("ssh.tunnel", config)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(tunnelFailure(context.getStartupFailure()).getReason()).isEqualTo(Reason.INVALID_CONFIGURATION);
			FailureAnalysis analysis = new SshTunnelFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("ssh.tunnel.ssh-config")
				.contains(config + ":3")
				.contains("Port 'abc' is not a number");
		});
	}

	@Test
	void missingFileOfAUserDefinedTunnelNamesItsOwnProperty() {
		Path missing = this.temp.resolve("missing-config");
		this.contextRunner.withUserConfiguration(ConfigTunnelConfiguration.class)
			.withPropertyValues(tunnel("tunnels.config", missing))
			.run((context) -> {
				assertThat(context).hasFailed();
				SshTunnelException failure = tunnelFailure(context.getStartupFailure());
				assertThat(failure.getReason()).isEqualTo(Reason.INVALID_CONFIGURATION);
				assertThat(failure.getMessage()).contains("tunnels.config.ssh-config")
					.contains(missing + " does not exist")
					.doesNotContain("ssh.tunnel.");
			});
	}

	@Test
	void copyCarriesEveryProperty() {
		SshTunnelProperties properties = new SshTunnelProperties();
		properties.setHost("h");
		properties.setSshConfig("file:/c");
		properties.setPort(2);
		properties.setUsername("u");
		properties.setPassword("p");
		properties.setPrivateKey("k");
		properties.setPrivateKeyPassphrase("pp");
		properties.setIdentityAgent("a");
		properties.setKnownHosts("kh");
		properties.setHostKey("hk");
		properties.setStrictHostKeyChecking("no");
		properties.setConnectTimeout(Duration.ofSeconds(1));
		properties.setFailFast(false);
		properties.setEnabled(false);
		properties.getKeepalive().setInterval(Duration.ofSeconds(2));
		properties.getKeepalive().setCountMax(9);
		properties.getReconnect().setEnabled(false);
		properties.getReconnect().setInitialDelay(Duration.ofSeconds(3));
		properties.getReconnect().setMaxDelay(Duration.ofSeconds(4));
		properties.getForwards().put("db", new SshTunnelProperties.Forward());
		SshTunnelProperties copy = new SshTunnelProperties();
		SshTunnelSshConfig.copy(properties, copy);
		assertThat(copy).usingRecursiveComparison().isEqualTo(properties);
	}

	private Path config(String content) throws IOException {
		return Files.writeString(this.temp.resolve("config"), content);
	}

	private String[] tunnel(String prefix, Path config) {
		return new String[] { prefix + ".host=db-alias", prefix + ".ssh-config=file:" + config,
				prefix + ".password=config-test-secret", prefix + ".forwards.echo.remote-host=127.0.0.1",
				prefix + ".forwards.echo.remote-port=" + this.target.port() };
	}

	private static SshTunnelException tunnelFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SshTunnelException tunnelException) {
				return tunnelException;
			}
		}
		throw new AssertionError("No SshTunnelException in " + failure, failure);
	}

	@Configuration(proxyBeanMethods = false)
	static class ConfigTunnelConfiguration {

		@Bean
		@ConfigurationProperties("tunnels.config")
		SshTunnelProperties configTunnelProperties() {
			return new SshTunnelProperties();
		}

		@Bean
		SshTunnel configTunnel(SshTunnelFactory tunnels,
				@Qualifier("configTunnelProperties") SshTunnelProperties properties) {
			return tunnels.create(properties);
		}

	}

}

package io.github.sshtunnel.autoconfigure.health;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.health.SshTunnelHealthIndicator;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SshTunnelHealthContributorAutoConfiguration}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelHealthContributorAutoConfigurationTests {

	private static final String PASSWORD = "health-check-secret";

	private final TestSshServer server = TestSshServer.withPassword("alice", PASSWORD).start();

	private final TestTcpServer target = TestTcpServer.echo();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class,
				SshTunnelHealthContributorAutoConfiguration.class))
		.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.password=" + PASSWORD,
				"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(),
				"ssh.tunnel.forwards.echo.remote-host=127.0.0.1",
				"ssh.tunnel.forwards.echo.remote-port=" + this.target.port(), "ssh.tunnel.keepalive.interval=300ms",
				"ssh.tunnel.keepalive.count-max=2", "ssh.tunnel.reconnect.enabled=false");

	@AfterEach
	void stop() {
		this.server.close();
		this.target.close();
	}

	@Test
	void upWithDetailsAndNoSecret() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(SshTunnelHealthIndicator.class).hasBean("sshTunnelHealthIndicator");
			Health health = context.getBean(SshTunnelHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("host", "127.0.0.1")
				.containsEntry("port", this.server.port())
				.containsEntry("username", "alice")
				.containsEntry("session", "CONNECTED")
				.containsEntry("hostKeyFingerprint", this.server.hostKeyFingerprint())
				.containsEntry("reconnects", 0L)
				.containsKey("connectedSince")
				.doesNotContainKey("lastError");
			@SuppressWarnings("unchecked")
			Map<String, Map<String, Object>> forwards = (Map<String, Map<String, Object>>) health.getDetails()
				.get("forwards");
			assertThat(forwards.get("echo")).containsEntry("localAddress", "127.0.0.1")
				.containsEntry("remoteHost", "127.0.0.1")
				.containsEntry("remotePort", this.target.port())
				.containsEntry("activeConnections", 0)
				.containsKey("localPort");
			assertThat(health.toString()).doesNotContain(PASSWORD);
		});
	}

	@Test
	void downWithinTheKeepaliveBoundWhenTheServerGoesAway() {
		this.contextRunner.run((context) -> {
			HealthIndicator indicator = context.getBean(SshTunnelHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			this.server.stop();
			// keepalive 300 ms x (2 + 1), plus slack for a loaded machine
			await().atMost(Duration.ofSeconds(5)).until(() -> indicator.health().getStatus().equals(Status.DOWN));
			Health health = indicator.health();
			assertThat(health.getDetails()).containsEntry("session", "DISCONNECTED").containsKey("reason");
			assertThat((String) health.getDetails().get("reason")).contains("was lost");
			assertThat(health.toString()).doesNotContain(PASSWORD);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.sshtunnel.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SshTunnelHealthIndicator.class));
	}

	@Test
	void backsOffWithoutActuatorHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ConditionalOnEnabledHealthIndicator.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SshTunnelHealthIndicator.class);
			});
	}

	@Test
	void backsOffWithoutTunnel() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class,
					SshTunnelHealthContributorAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SshTunnelHealthIndicator.class));
	}

	@Test
	void userDefinedIndicatorReplacesTheDefault() {
		this.contextRunner
			.withBean("sshTunnelHealthIndicator", HealthIndicator.class, () -> () -> Health.unknown().build())
			.run((context) -> {
				assertThat(context).doesNotHaveBean(SshTunnelHealthIndicator.class);
				assertThat(context.getBean("sshTunnelHealthIndicator", HealthIndicator.class).health().getStatus())
					.isEqualTo(Status.UNKNOWN);
			});
	}

}

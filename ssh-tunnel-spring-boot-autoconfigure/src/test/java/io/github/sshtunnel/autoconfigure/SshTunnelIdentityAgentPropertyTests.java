package io.github.sshtunnel.autoconfigure;

import java.nio.file.Path;

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

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code ssh.tunnel.identity-agent}: mapped to the settings only when set, and
 * an unavailable agent named by the property of the tunnel's own prefix.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelIdentityAgentPropertyTests {

	@TempDir
	Path temp;

	private final TestSshServer server = TestSshServer.withPassword("alice", "agent-test-secret").start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class, SshTunnelAutoConfiguration.class));

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void noAgentUnlessConfigured() {
		this.contextRunner.withPropertyValues(tunnel("ssh.tunnel"))
			.withPropertyValues("ssh.tunnel.identity-agent= ")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(SshTunnel.class).settings().getIdentityAgent()).isNull();
			});
	}

	@Test
	void unavailableAgentFailsStartNamingTheProperty() {
		Path missing = this.temp.resolve("missing-agent.sock");
		this.contextRunner.withPropertyValues(tunnel("ssh.tunnel"))
			.withPropertyValues("ssh.tunnel.identity-agent=" + missing)
			.run((context) -> {
				assertThat(context).hasFailed();
				SshTunnelException failure = tunnelFailure(context.getStartupFailure());
				assertThat(failure.getReason()).isEqualTo(Reason.AGENT_UNAVAILABLE);
				FailureAnalysis analysis = new SshTunnelFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("AGENT_UNAVAILABLE")
					.contains("ssh-agent at " + missing + " is unavailable")
					.doesNotContain("agent-test-secret");
				assertThat(analysis.getAction()).contains("ssh.tunnel.identity-agent");
			});
	}

	@Test
	void userDefinedTunnelNamesItsOwnIdentityAgentProperty() {
		Path missing = this.temp.resolve("missing-agent.sock");
		this.contextRunner.withUserConfiguration(AgentTunnelConfiguration.class)
			.withPropertyValues(tunnel("tunnels.agent"))
			.withPropertyValues("tunnels.agent.identity-agent=" + missing)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(tunnelFailure(context.getStartupFailure()).getReason())

					.isEqualTo(Reason.AGENT_UNAVAILABLE);
				FailureAnalysis analysis = new SshTunnelFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getAction()).contains("tunnels.agent.identity-agent").doesNotContain("ssh.tunnel.");
			});
	}

	private String[] tunnel(String prefix) {
		return new String[] { prefix + ".host=127.0.0.1", prefix + ".port=" + this.server.port(),
				prefix + ".username=alice", prefix + ".password=agent-test-secret",
				prefix + ".host-key=" + this.server.hostKeyFingerprint(), prefix + ".connect-timeout=5s",
				prefix + ".forwards.db.remote-host=127.0.0.1", prefix + ".forwards.db.remote-port=5432" };
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
	static class AgentTunnelConfiguration {

		@Bean
		@ConfigurationProperties("tunnels.agent")
		SshTunnelProperties agentTunnelProperties() {
			return new SshTunnelProperties();
		}

		@Bean
		SshTunnel agentTunnel(SshTunnelFactory tunnels,
				@Qualifier("agentTunnelProperties") SshTunnelProperties properties) {
			return tunnels.create(properties);
		}

	}

}

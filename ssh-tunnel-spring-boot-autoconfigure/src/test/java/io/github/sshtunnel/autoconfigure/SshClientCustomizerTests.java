package io.github.sshtunnel.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SshClientCustomizer} beans: applied to every tunnel, after the
 * tunnel's own defaults.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshClientCustomizerTests {

	private final List<String> clientVersions = new CopyOnWriteArrayList<>();

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret")
		.hostKeyType(TestSshServer.ECDSA)
		.customize((sshServer) -> sshServer.addSessionListener(new SessionListener() {

			@Override
			public void sessionEvent(Session session, Event event) {
				if (event == Event.KexCompleted) {
					SshClientCustomizerTests.this.clientVersions.add(session.getClientVersion());
				}
			}

		}))
		.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class, SshTunnelAutoConfiguration.class))
		.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
				"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint());

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void customizerBeanAppliesToEveryTunnel() {
		this.contextRunner.withUserConfiguration(SecondTunnelConfiguration.class)
			.withPropertyValues("tunnels.second.host=127.0.0.1", "tunnels.second.port=" + this.server.port(),
					"tunnels.second.username=alice", "tunnels.second.password=secret",
					"tunnels.second.host-key=" + this.server.hostKeyFingerprint())
			.withBean("identification", SshClientCustomizer.class,
					() -> (client) -> CoreModuleProperties.CLIENT_IDENTIFICATION.set(client, "customized_1.0"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(SshTunnel.class)).hasSize(2)
					.allSatisfy((name, tunnel) -> assertThat(tunnel.state().isUp()).isTrue());
				assertThat(this.clientVersions).containsExactly("SSH-2.0-customized_1.0", "SSH-2.0-customized_1.0");
			});
	}

	@Test
	void customizerRunsAfterTheTunnelsOwnDefaults() {
		// the server presents only an ECDSA host key: a client that the customizer
		// restricts to ed25519 host keys must not get in
		this.contextRunner
			.withBean("ed25519Only", SshClientCustomizer.class,
					() -> (client) -> client.setSignatureFactories(List.of(BuiltinSignatures.ed25519)))
			.run((context) -> {
				assertThat(context).hasFailed();
				SshTunnelException failure = null;
				for (Throwable cause = context.getStartupFailure(); cause != null; cause = cause.getCause()) {
					if (cause instanceof SshTunnelException tunnelException) {
						failure = tunnelException;
					}
				}
				assertThat(failure).isNotNull();
				assertThat(failure.getReason()).isEqualTo(SshTunnelException.Reason.SSH_ERROR);
				assertThat(failure.getMessage()).contains("client: ssh-ed25519 / server: ecdsa-sha2-nistp256");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class SecondTunnelConfiguration {

		@Bean
		@ConfigurationProperties("tunnels.second")
		SshTunnelProperties secondTunnelProperties() {
			return new SshTunnelProperties();
		}

		@Bean
		SshTunnel secondTunnel(SshTunnelFactory tunnels,
				@Qualifier("secondTunnelProperties") SshTunnelProperties properties) {
			return tunnels.create(properties);
		}

	}

}

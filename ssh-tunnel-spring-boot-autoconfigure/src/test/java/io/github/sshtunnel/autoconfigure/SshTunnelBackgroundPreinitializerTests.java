package io.github.sshtunnel.autoconfigure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SshTunnelBackgroundPreinitializer}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelBackgroundPreinitializerTests {

	@AfterEach
	void reset() {
		SshTunnelBackgroundPreinitializer.tunnelConfigured = false;
	}

	@Test
	void isRegisteredWithBootsBackgroundPreinitialization() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(BackgroundPreinitializer.class))
			.hasAtLeastOneElementOfType(SshTunnelBackgroundPreinitializer.class);
	}

	@Test
	void runsWhenATunnelIsConfigured() {
		postProcess(new MockEnvironment().withProperty("ssh.tunnel.host", "bastion.example.com"));
		assertThat(SshTunnelBackgroundPreinitializer.tunnelConfigured).isTrue();
	}

	@Test
	void doesNothingWithoutAHost() {
		postProcess(new MockEnvironment());
		assertThat(SshTunnelBackgroundPreinitializer.tunnelConfigured).isFalse();
	}

	@Test
	void doesNothingWhenTheTunnelIsDisabled() {
		postProcess(new MockEnvironment().withProperty("ssh.tunnel.host", "bastion.example.com")
			.withProperty("ssh.tunnel.enabled", "false"));
		assertThat(SshTunnelBackgroundPreinitializer.tunnelConfigured).isFalse();
	}

	private static void postProcess(MockEnvironment environment) {
		new SshTunnelPortsEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
	}

}

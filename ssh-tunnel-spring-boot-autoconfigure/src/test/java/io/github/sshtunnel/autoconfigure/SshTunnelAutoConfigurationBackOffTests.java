package io.github.sshtunnel.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.sshtunnel.core.SshTunnel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for when {@link SshTunnelAutoConfiguration} stays out of the way.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelAutoConfigurationBackOffTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class));

	@Test
	void backsOffWithoutHost() {
		this.contextRunner.withPropertyValues("ssh.tunnel.forwards.db.remote-port=5432").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SshTunnel.class);
			assertThat(context).doesNotHaveBean(SshTunnelProperties.class);
			assertThat(context.getEnvironment().getPropertySources().contains(SshTunnelPortsPropertySource.NAME))
				.isFalse();
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner
			.withPropertyValues("ssh.tunnel.enabled=false", "ssh.tunnel.host=127.0.0.1",
					"ssh.tunnel.forwards.db.remote-port=5432")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SshTunnel.class);
			});
	}

}

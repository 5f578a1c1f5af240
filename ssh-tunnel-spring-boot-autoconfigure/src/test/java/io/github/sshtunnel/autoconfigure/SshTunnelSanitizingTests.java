package io.github.sshtunnel.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the tunnel's secrets are masked in {@code /actuator/env} and
 * {@code /actuator/configprops} even with {@code show-values: always}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelSanitizingTests {

	private static final String PASSWORD = "very-secret-password";

	private static final String PASSPHRASE = "test-passphrase";

	private TestSshServer server;

	private String pem;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() throws Exception {
		this.server = TestSshServer.withPassword("alice", PASSWORD)
			.authorize(Path.of("src/test/resources/keys/ecdsa_openssh_encrypted.pub"))
			.start();
		this.pem = Files.readString(Path.of("src/test/resources/keys/ecdsa_openssh_encrypted"));
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class,
					SshTunnelSanitizingAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class,
					ConfigurationPropertiesReportEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.jmx.exposure.include=env,configprops",
					"management.endpoints.web.exposure.include=env,configprops",
					"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
					"ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(), "ssh.tunnel.username=alice",
					"ssh.tunnel.password=" + PASSWORD, "ssh.tunnel.private-key-passphrase=" + PASSPHRASE,
					"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint());
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void secretsAreMaskedInEnvAndConfigprops() {
		this.contextRunner.withPropertyValues("ssh.tunnel.private-key=" + this.pem).run((context) -> {
			assertThat(context).hasNotFailed();
			EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
			assertThat(envValue(env, "ssh.tunnel.password")).isEqualTo("******");
			assertThat(envValue(env, "ssh.tunnel.private-key-passphrase")).isEqualTo("******");
			assertThat(envValue(env, "ssh.tunnel.private-key")).isEqualTo("******");
			assertThat(envValue(env, "ssh.tunnel.username")).isEqualTo("alice");
			Map<String, Object> properties = configprops(context.getBean(ConfigurationPropertiesReportEndpoint.class));
			assertThat(properties).containsEntry("password", "******")
				.containsEntry("privateKeyPassphrase", "******")
				.containsEntry("privateKey", "******")
				.containsEntry("username", "alice");
			assertThat(properties.toString()).doesNotContain(PASSWORD)
				.doesNotContain(PASSPHRASE)
				.doesNotContain("PRIVATE");
		});
	}

	@Test
	void keyLocationStaysVisible() {
		this.contextRunner.withPropertyValues("ssh.tunnel.private-key=classpath:keys/ecdsa_openssh_encrypted")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(envValue(context.getBean(EnvironmentEndpoint.class), "ssh.tunnel.private-key"))
					.isEqualTo("classpath:keys/ecdsa_openssh_encrypted");
			});
	}

	@Test
	void secretsAreMaskedWhenTheTunnelIsDisabled() {
		this.contextRunner.withPropertyValues("ssh.tunnel.enabled=false", "ssh.tunnel.private-key=" + this.pem)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
				assertThat(envValue(env, "ssh.tunnel.password")).isEqualTo("******");
				assertThat(envValue(env, "ssh.tunnel.private-key-passphrase")).isEqualTo("******");
				assertThat(envValue(env, "ssh.tunnel.private-key")).isEqualTo("******");
			});
	}

	@Test
	void secretsAreMaskedWithoutAHost() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class,
					SshTunnelSanitizingAutoConfiguration.class, EnvironmentEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.jmx.exposure.include=env",
					"management.endpoints.web.exposure.include=env", "management.endpoint.env.show-values=always",
					"ssh.tunnel.password=" + PASSWORD)
			.run((context) -> assertThat(envValue(context.getBean(EnvironmentEndpoint.class), "ssh.tunnel.password"))
				.isEqualTo("******"));
	}

	@Test
	void secretsOfATunnelUnderAnotherPrefixAreMasked() {
		this.contextRunner
			.withPropertyValues("tunnels.reporting.password=" + PASSWORD,
					"tunnels.reporting.private-key-passphrase=" + PASSPHRASE,
					"tunnels.reporting.private-key=" + this.pem, "tunnels.reporting.username=bob")
			.run((context) -> {
				EnvironmentEndpoint env = context.getBean(EnvironmentEndpoint.class);
				assertThat(envValue(env, "tunnels.reporting.password")).isEqualTo("******");
				assertThat(envValue(env, "tunnels.reporting.private-key-passphrase")).isEqualTo("******");
				assertThat(envValue(env, "tunnels.reporting.private-key")).isEqualTo("******");
				assertThat(envValue(env, "tunnels.reporting.username")).isEqualTo("bob");
			});
	}

	private static Object envValue(EnvironmentEndpoint endpoint, String name) {
		return endpoint.environmentEntry(name).getProperty().getValue();
	}

	private static Map<String, Object> configprops(ConfigurationPropertiesReportEndpoint endpoint) {
		ConfigurationPropertiesBeanDescriptor bean = endpoint.configurationPropertiesWithPrefix("ssh.tunnel")
			.getContexts()
			.values()
			.iterator()
			.next()
			.getBeans()
			.values()
			.iterator()
			.next();
		return bean.getProperties();
	}

}

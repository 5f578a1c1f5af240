package io.github.sshtunnel.sample.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link DemoServersInitializer}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class DemoServersInitializerTests {

	@Test
	void startsNothingByDefault() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			new DemoServersInitializer().initialize(context);
			assertThat(
					context.getEnvironment().getPropertySources().contains(DemoServersInitializer.PROPERTY_SOURCE_NAME))
				.isFalse();
			assertThat(context.getBeanFactory().containsSingleton("demoServers")).isFalse();
		}
	}

	@Test
	void pointsTheTunnelAtTheServersAndStopsThemWithTheContext() throws IOException {
		int sshPort;
		int databasePort;
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			TestPropertyValues.of("demo.embedded-servers.enabled=true").applyTo(context);
			new DemoServersInitializer().initialize(context);
			context.refresh();
			Environment environment = context.getEnvironment();
			sshPort = environment.getRequiredProperty("ssh.tunnel.port", Integer.class);
			databasePort = environment.getRequiredProperty("ssh.tunnel.forwards.db.remote-port", Integer.class);
			assertThat(sshPort).isPositive();
			assertThat(databasePort).isPositive().isNotEqualTo(sshPort);
			assertThat(environment.getProperty("ssh.tunnel.username")).isEqualTo("demo");
			assertThat(environment.getProperty("ssh.tunnel.password")).hasSizeGreaterThanOrEqualTo(24);
			assertThat(environment.getProperty("ssh.tunnel.host-key")).matches("SHA256:[A-Za-z0-9+/]{43}");
			assertThat(environment.getProperty("ssh.tunnel.strict-host-key-checking")).isNull();
			assertPortIsInUse(sshPort);
			assertPortIsInUse(databasePort);
		}
		assertPortIsFree(sshPort);
		assertPortIsFree(databasePort);
	}

	@Test
	void databaseServerRefusesNewDatabasesAndStrangers() {
		DemoServers servers = DemoServers.start();
		try {
			String server = "jdbc:h2:tcp://127.0.0.1:" + servers.databasePort() + "/";
			Map<String, Object> properties = servers.tunnelProperties();
			String password = (String) properties.get("spring.datasource.password");
			assertThat(password).hasSizeGreaterThanOrEqualTo(24);
			// no database on demand, even with the right credentials
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> DriverManager.getConnection(server + "mem:other", "sa", password).close());
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> DriverManager.getConnection(server + "./created-by-a-stranger", "sa", "").close());
			// the demo database only with its random password
			assertThatExceptionOfType(SQLException.class).isThrownBy(
					() -> DriverManager.getConnection(server + "mem:" + properties.get("demo.database-name"), "sa", "")
						.close());
			assertThatNoException().isThrownBy(() -> DriverManager
				.getConnection(server + "mem:" + properties.get("demo.database-name"), "sa", password)
				.close());
		}
		finally {
			servers.destroy();
		}
	}

	@Test
	void generatesADifferentPasswordAndHostKeyEachTime() {
		DemoServers first = DemoServers.start();
		try {
			DemoServers second = DemoServers.start();
			try {
				assertThat(second.tunnelProperties().get("ssh.tunnel.password"))
					.isNotEqualTo(first.tunnelProperties().get("ssh.tunnel.password"));
				assertThat(second.hostKeyFingerprint()).isNotEqualTo(first.hostKeyFingerprint());
			}
			finally {
				second.destroy();
			}
		}
		finally {
			first.destroy();
		}
	}

	private static void assertPortIsInUse(int port) {
		assertThat(isFree(port)).as("port %d in use", port).isFalse();
	}

	private static void assertPortIsFree(int port) {
		assertThat(isFree(port)).as("port %d free", port).isTrue();
	}

	private static boolean isFree(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}

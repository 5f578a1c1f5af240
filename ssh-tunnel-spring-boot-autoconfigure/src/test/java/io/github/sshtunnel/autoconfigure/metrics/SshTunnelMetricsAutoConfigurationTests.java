package io.github.sshtunnel.autoconfigure.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.metrics.SshTunnelMetrics;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SshTunnelMetricsAutoConfiguration}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelMetricsAutoConfigurationTests {

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final TestTcpServer target = TestTcpServer.doubling();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class,
				SshTunnelMetricsAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
		.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
				"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(),
				"ssh.tunnel.forwards.app.remote-host=127.0.0.1",
				"ssh.tunnel.forwards.app.remote-port=" + this.target.port());

	@AfterEach
	void stop() {
		this.server.close();
		this.target.close();
	}

	@Test
	void sessionMetersDescribeTheStartUpConnect() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Tags tunnel = Tags.of("tunnel", "sshTunnel");
			assertThat(registry.get("ssh.tunnel.session.connected").tags(tunnel).gauge().value()).isEqualTo(1);
			assertThat(
					registry.get("ssh.tunnel.session.connect").tags(tunnel).tag("outcome", "success").timer().count())
				.isEqualTo(1);
			assertThat(registry.get("ssh.tunnel.session.connect").tag("outcome", "failure").timer().count()).isZero();
			assertThat(registry.get("ssh.tunnel.reconnects").tags(tunnel).functionCounter().count()).isZero();
			assertThat(registry.get("ssh.tunnel.session.connected").gauge().getId().getDescription()).isNotBlank();
		});
	}

	@Test
	void keyExchangesAndKeepaliveReplyAgeShowTheSessionIsAlive() {
		this.contextRunner.withPropertyValues("ssh.tunnel.keepalive.interval=200ms").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			Tags tunnel = Tags.of("tunnel", "sshTunnel");
			assertThat(registry.get("ssh.tunnel.key.exchanges").tags(tunnel).functionCounter().count()).isEqualTo(1);
			this.server.reExchangeKeys();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> registry.get("ssh.tunnel.key.exchanges").functionCounter().count() == 2);
			// replies come back every interval: the age stays below it, never grows
			await().atMost(Duration.ofSeconds(5))
				.until(() -> context.getBean(SshTunnel.class)
					.state()
					.lastKeepaliveReply()
					.isAfter(context.getBean(SshTunnel.class).state().connectedSince()));
			double age = registry.get("ssh.tunnel.keepalive.reply.age").tags(tunnel).gauge().value();
			assertThat(age).isBetween(0.0, 1.0);
			assertThat(registry.get("ssh.tunnel.keepalive.reply.age").gauge().getId().getBaseUnit())
				.isEqualTo("seconds");
		});
	}

	@Test
	void countsBytesExactlyInBothDirections() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			int port = context.getBean(SshTunnel.class).localPort("app");
			byte[] payload = new byte[100_003];
			Arrays.fill(payload, (byte) 'x');
			try (Socket socket = connect(port)) {
				socket.getOutputStream().write(payload);
				socket.shutdownOutput();
				InputStream in = socket.getInputStream();
				assertThat(in.readAllBytes()).hasSize(2 * payload.length);
			}
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(bytes(registry, "outbound")).isEqualTo(payload.length);
				assertThat(bytes(registry, "inbound")).isEqualTo(2 * payload.length);
			});
			assertThat(registry.get("ssh.tunnel.bytes")
				.tag("direction", "outbound")
				.functionCounter()
				.getId()
				.getBaseUnit()).isEqualTo("bytes");
			assertThat(connections(registry, "success")).isEqualTo(1);
			assertThat(connections(registry, "failure")).isZero();
		});
	}

	@Test
	void activeConnectionsGoUpAndBackToZero() {
		this.contextRunner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			int port = context.getBean(SshTunnel.class).localPort("app");
			try (Socket first = connect(port); Socket second = connect(port)) {
				first.getOutputStream().write(1);
				second.getOutputStream().write(1);
				first.getInputStream().readNBytes(2);
				second.getInputStream().readNBytes(2);
				assertThat(active(registry)).isEqualTo(2);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> active(registry) == 0);
		});
	}

	@Test
	void refusedTargetCountsAsFailure() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			closedPort = socket.getLocalPort();
		}
		this.contextRunner.withPropertyValues("ssh.tunnel.forwards.app.remote-port=" + closedPort).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			try (Socket socket = connect(context.getBean(SshTunnel.class).localPort("app"))) {
				assertThat(socket.getInputStream().read()).isEqualTo(-1);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> connections(registry, "failure") == 1);
			assertThat(connections(registry, "success")).isZero();
		});
	}

	@Test
	void backsOffWithoutMicrometer() {
		withoutBootMetrics().withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SshTunnelMetrics.class);
			assertThat(context).hasSingleBean(SshTunnel.class);
		});
	}

	@Test
	void backsOffWithoutMeterRegistry() {
		withoutBootMetrics().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(SshTunnelMetrics.class);
		});
	}

	private ApplicationContextRunner withoutBootMetrics() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, SshTunnelMetricsAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
					"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
					"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint());
	}

	private static double bytes(MeterRegistry registry, String direction) {
		return registry.get("ssh.tunnel.bytes")
			.tag("forward", "app")
			.tag("direction", direction)
			.functionCounter()
			.count();
	}

	private static double connections(MeterRegistry registry, String outcome) {
		return registry.get("ssh.tunnel.connections")
			.tag("forward", "app")
			.tag("outcome", outcome)
			.functionCounter()
			.count();
	}

	private static double active(MeterRegistry registry) {
		return registry.get("ssh.tunnel.connections.active").tag("forward", "app").gauge().value();
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		socket.setSoTimeout(10000);
		return socket;
	}

}

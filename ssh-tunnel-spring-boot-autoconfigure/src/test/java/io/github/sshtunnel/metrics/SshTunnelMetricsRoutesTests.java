package io.github.sshtunnel.metrics;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that in-process routes ({@code socket} mode) get the meters of a forward when
 * their first connection opens.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelMetricsRoutesTests {

	private final TestTcpServer echo = TestTcpServer.echo();

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret");

	@AfterEach
	void stop() {
		this.server.close();
		this.echo.close();
	}

	@Test
	void inProcessRouteIsCountedUnderItsForwardTag() throws Exception {
		this.server.start();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		SshTunnelMetrics metrics = new SshTunnelMetrics();
		metrics.bindTo(registry);
		SshTunnel tunnel = new SshTunnel(this.server.tunnelSettings().connectTimeout(Duration.ofSeconds(3)).build());
		tunnel.addListener(metrics.register("sshTunnel", tunnel));
		try (tunnel) {
			tunnel.open();
			try (Socket socket = tunnel.createSocket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.echo.port()), 2000);
			}
			assertThat(registry.get("ssh.tunnel.connections")
				.tags("tunnel", "sshTunnel", "forward", "datasource", "outcome", "success")
				.functionCounter()
				.count()).isEqualTo(1);
			assertThat(registry.find("ssh.tunnel.connections.active").tags("forward", "datasource").gauge())
				.isNotNull();
		}
	}

}

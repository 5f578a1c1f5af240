package io.github.sshtunnel.resilience;

import java.time.Duration;

import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;
import io.github.sshtunnel.testsupport.TrafficSoak;

/**
 * Key re-exchanges under load against the in-process MINA server, which starts a new
 * exchange after every megabyte or second: bulk both ways on several connections and many
 * small round trips keep moving, byte for byte, and no I/O thread of the tunnel ever
 * waits for the exchange.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class KeyReExchangeTests {

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").customize((sshd) -> {
		CoreModuleProperties.REKEY_BYTES_LIMIT.set(sshd, 1024L * 1024);
		CoreModuleProperties.REKEY_TIME_LIMIT.set(sshd, Duration.ofSeconds(1));
	}).start();

	private final TestTcpServer echo = TestTcpServer.echo();

	@AfterEach
	void stop() {
		this.server.close();
		this.echo.close();
	}

	@Test
	void trafficKeepsMovingThroughServerInitiatedReExchanges() throws Exception {
		TunnelSettings settings = this.server
			.tunnelSettings(ForwardSettings.of("bulk", this.echo.port()), ForwardSettings.of("small", this.echo.port()))
			.keepalive(Duration.ofSeconds(2), 3)
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			TrafficSoak.Result result = TrafficSoak.run(tunnel.localPort("bulk"), 3, tunnel.localPort("small"), 8, null,
					0, TrafficSoak.configuredDuration());
			TrafficSoak.assertCarriedThroughReExchanges(result, tunnel);
		}
	}

}

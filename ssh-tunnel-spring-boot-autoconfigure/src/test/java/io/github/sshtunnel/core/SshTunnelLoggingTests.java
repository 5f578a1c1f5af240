package io.github.sshtunnel.core;

import java.time.Duration;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that the tunnel warns when MINA's packet-dumping loggers would write secrets to
 * the log.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SshTunnelLoggingTests {

	private static final String PACKET_LOGGER = "org.apache.sshd.client.session.ClientSessionImpl";

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final Logger packetLogger = (Logger) LoggerFactory.getLogger(PACKET_LOGGER);

	private final Level previousLevel = this.packetLogger.getLevel();

	@AfterEach
	void stop() {
		this.packetLogger.setLevel(this.previousLevel);
		this.server.close();
	}

	@Test
	void warnsOnceWhenPacketLoggingIsAtTrace(CapturedOutput output) {
		this.packetLogger.setLevel(Level.TRACE);
		for (int i = 0; i < 2; i++) {
			try (SshTunnel tunnel = new SshTunnel(settings()).open()) {
				assertThat(tunnel.state().isUp()).isTrue();
			}
		}
		String warning = "MINA SSHD logs whole SSH packets at TRACE";
		assertThat(output.getAll()).contains(warning).contains(PACKET_LOGGER).contains("logging.level.org.apache.sshd");
		assertThat(output.getAll().split(warning, -1)).hasSize(2);
	}

	private TunnelSettings settings() {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.server.port())
			.username("alice")
			.password("secret")
			.hostKey(this.server.hostKeyFingerprint())
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

}

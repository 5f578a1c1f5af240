package io.github.sshtunnel.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.event.SshTunnelConnectedEvent;
import io.github.sshtunnel.event.SshTunnelDisconnectedEvent;
import io.github.sshtunnel.event.SshTunnelEvent;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the tunnel's application events.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelEventsTests {

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final List<SshTunnelEvent> events = new CopyOnWriteArrayList<>();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class))
		.withBean("eventRecorder", ApplicationListener.class,
				() -> (ApplicationListener<SshTunnelEvent>) this.events::add)
		.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
				"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(), "ssh.tunnel.reconnect.initial-delay=200ms",
				"ssh.tunnel.reconnect.max-delay=1s");

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void publishesConnectDisconnectWithCauseAndReconnect() {
		this.contextRunner.run((context) -> {
			await().atMost(Duration.ofSeconds(5)).until(() -> !this.events.isEmpty());
			assertThat(this.events.get(0)).isInstanceOfSatisfying(SshTunnelConnectedEvent.class,
					(event) -> assertThat(event.isReconnect()).isFalse());
			this.server.stop();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.events.stream().anyMatch(SshTunnelDisconnectedEvent.class::isInstance));
			SshTunnelDisconnectedEvent lost = (SshTunnelDisconnectedEvent) this.events.stream()
				.filter(SshTunnelDisconnectedEvent.class::isInstance)
				.findFirst()
				.get();
			assertThat(lost.getCause().getReason()).isEqualTo(SshTunnelException.Reason.SESSION_LOST);
			this.server.start();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.events.stream()
					.anyMatch(
							(event) -> event instanceof SshTunnelConnectedEvent connected && connected.isReconnect()));
		});
	}

}

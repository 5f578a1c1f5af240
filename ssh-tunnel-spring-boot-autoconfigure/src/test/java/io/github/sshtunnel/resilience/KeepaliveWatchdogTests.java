package io.github.sshtunnel.resilience;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.SessionStatus;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.core.TunnelState;
import io.github.sshtunnel.health.SshTunnelHealthIndicator;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session that hangs in the middle of a key re-exchange (the server takes the client's
 * key-exchange message and never answers) while the socket stays open: the keepalive
 * watchdog makes health {@code DOWN} as soon as replies are overdue, declares the session
 * dead within {@code interval × count-max} and reconnects on the same local port.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class KeepaliveWatchdogTests {

	private static final Duration INTERVAL = Duration.ofMillis(500);

	private static final int COUNT_MAX = 3;

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final TestTcpServer echo = TestTcpServer.echo();

	@AfterEach
	void stop() {
		this.server.close();
		this.echo.close();
	}

	@Test
	void sessionHangingInAKeyExchangeIsDownThenDeclaredDeadAndReconnected() throws Exception {
		List<Instant> disconnects = new CopyOnWriteArrayList<>();
		List<SshTunnelException> causes = new CopyOnWriteArrayList<>();
		try (SshTunnel tunnel = new SshTunnel(settings()).open()) {
			tunnel.addListener(new SshTunnelListener() {

				@Override
				public void disconnected(TunnelState state, SshTunnelException cause) {
					disconnects.add(Instant.now());
					causes.add(cause);
				}

			});
			SshTunnelHealthIndicator health = new SshTunnelHealthIndicator(tunnel);
			int port = tunnel.localPort("echo");
			assertThat(TestTcpServer.exchange(port, "before")).isEqualTo("before");
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
			Instant hungAt = Instant.now();
			this.server.hangInNextKeyReExchange();
			// replies are overdue after one unanswered interval: DOWN from then on
			await().atMost(INTERVAL.multipliedBy(3)).until(() -> tunnel.state().status() == SessionStatus.UNRESPONSIVE);
			Health down = health.health(true);
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails().get("reason").toString())
				.startsWith("SSH server has not answered keepalive requests since");
			// declared dead within interval x count-max (+ the check period and slack)
			await().atMost(INTERVAL.multipliedBy(COUNT_MAX).plusSeconds(2)).until(() -> !disconnects.isEmpty());
			Duration detected = Duration.between(hungAt, disconnects.get(0));
			assertThat(detected).isLessThanOrEqualTo(INTERVAL.multipliedBy(COUNT_MAX).plusSeconds(1));
			assertThat(causes.get(0).getMessage()).contains("was lost: no keepalive reply for");
			await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.state().isUp());
			assertThat(tunnel.state().reconnects()).isEqualTo(1);
			assertThat(tunnel.localPort("echo")).isEqualTo(port);
			assertThat(TestTcpServer.exchange(port, "after")).isEqualTo("after");
			assertThat(health.health(true).getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void answeringSessionStaysUpAndReportsItsLastReply() throws Exception {
		try (SshTunnel tunnel = new SshTunnel(settings()).open()) {
			Instant opened = tunnel.state().lastKeepaliveReply();
			assertThat(opened).isNotNull();
			await().atMost(INTERVAL.multipliedBy(4)).until(() -> tunnel.state().lastKeepaliveReply().isAfter(opened));
			assertThat(tunnel.state().status()).isEqualTo(SessionStatus.CONNECTED);
			assertThat(tunnel.state().keyExchanges()).isEqualTo(1);
		}
	}

	private TunnelSettings settings() {
		return this.server.tunnelSettings(ForwardSettings.of("echo", this.echo.port()))
			.keepalive(INTERVAL, COUNT_MAX)
			.reconnect(true, Duration.ofMillis(100), Duration.ofSeconds(1))
			.build();
	}

}

package io.github.sshtunnel.resilience;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.SessionStatus;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.TcpRelay;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults on the link between the tunnel and its SSH server, made by a relay of the test's
 * own: a frozen link (no bytes, sockets open), a reset, and a server that comes back with
 * another host key.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class FrozenLinkTests {

	private static final Duration KEEPALIVE = Duration.ofMillis(500);

	private static final int COUNT_MAX = 2;

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final TestTcpServer target = TestTcpServer.echo();

	private final TcpRelay relay = new TcpRelay(this.server.port());

	@AfterEach
	void stop() {
		this.relay.close();
		this.server.close();
		this.target.close();
	}

	@Test
	void frozenLinkIsDeclaredDeadWithinTheKeepaliveBoundAndRecovers() throws Exception {
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open()) {
			int port = tunnel.localPort("echo");
			assertThat(TestTcpServer.exchange(port, "before")).isEqualTo("before");
			this.relay.pause();
			long frozenAt = System.nanoTime();
			Duration bound = KEEPALIVE.multipliedBy(COUNT_MAX + 1);
			// UNRESPONSIVE first (replies overdue), then declared dead
			await().atMost(bound.plusSeconds(3))
				.until(() -> tunnel.state().status() != SessionStatus.CONNECTED
						&& tunnel.state().status() != SessionStatus.UNRESPONSIVE);
			Duration detected = Duration.ofNanos(System.nanoTime() - frozenAt);
			assertThat(detected).isGreaterThanOrEqualTo(KEEPALIVE);
			assertThat(tunnel.state().lastError()).contains("was lost");
			this.relay.resume();
			await().atMost(Duration.ofSeconds(15)).until(() -> tunnel.state().isUp());
			assertThat(tunnel.localPort("echo")).isEqualTo(port);
			assertThat(tunnel.state().reconnects()).isEqualTo(1);
			assertThat(TestTcpServer.exchange(port, "after")).isEqualTo("after");
		}
	}

	@Test
	void resetLinkIsNoticedAtOnceAndRecovers() throws Exception {
		try (SshTunnel tunnel = new SshTunnel(settings().keepalive(Duration.ofSeconds(30), 3).build()).open()) {
			this.relay.dropConnections();
			await().atMost(Duration.ofSeconds(3)).until(() -> tunnel.state().status() != SessionStatus.CONNECTED);
			await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.state().isUp());
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "again")).isEqualTo("again");
		}
	}

	@Test
	void hostKeyFailureDuringReconnectIsRetriedAndReported() throws Exception {
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open()) {
			int sshPort = this.server.port();
			this.server.stop();
			TestSshServer impostor = TestSshServer.withPassword("alice", "secret")
				.hostKeyType("ed25519")
				.startOn(sshPort);
			try {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> tunnel.state().lastError() != null && tunnel.state().lastError().contains("CHANGED"));
				assertThat(tunnel.state().isUp()).isFalse();
			}
			finally {
				impostor.close();
			}
			this.server.startOn(sshPort);
			await().atMost(Duration.ofSeconds(15)).until(() -> tunnel.state().isUp());
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "trusted")).isEqualTo("trusted");
		}
	}

	@Test
	void closeDuringAConnectAttemptIsPrompt() throws Exception {
		this.relay.pause();
		TunnelSettings settings = settings().failFast(false).connectTimeout(Duration.ofSeconds(30)).build();
		SshTunnel tunnel = new SshTunnel(settings);
		Thread opener = new Thread(() -> {
			try {
				tunnel.open();
			}
			catch (SshTunnelException ex) {
				// closed while connecting
			}
		});
		opener.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> tunnel.state().status() == SessionStatus.CONNECTING);
		long start = System.nanoTime();
		tunnel.close();
		opener.join(Duration.ofSeconds(10).toMillis());
		assertThat(opener.isAlive()).isFalse();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
		assertThat(tunnel.state().status()).isEqualTo(SessionStatus.CLOSED);
	}

	private TunnelSettings.Builder settings() {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.relay.port())
			.username("alice")
			.password("secret")
			.hostKey(this.server.hostKeyFingerprint())
			.connectTimeout(Duration.ofSeconds(2))
			.keepalive(KEEPALIVE, COUNT_MAX)
			.reconnect(true, Duration.ofMillis(200), Duration.ofSeconds(1))
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.target.port()));
	}

}

package io.github.sshtunnel.core;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;

import io.github.sshtunnel.health.SshTunnelHealthIndicator;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * A jump-host chain against in-process MINA servers (every build): traffic goes through
 * the jump host, the chain shows in state and health without secrets, closing the tunnel
 * closes every hop, and losing the jump host rebuilds the chain on the same local port.
 * The real-OpenSSH variant is {@code OpenSshJumpHostTests}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class JumpHostChainTests {

	private static final String JUMP_PASSWORD = "jump-password-never-shown";

	private final TestSshServer jump = TestSshServer.withPassword("jumper", JUMP_PASSWORD).start();

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final TestTcpServer echo = TestTcpServer.echo();

	@AfterEach
	void stop() {
		this.jump.close();
		this.server.close();
		this.echo.close();
	}

	@Test
	void forwardsThroughTheJumpHostAndShowsTheChain() throws Exception {
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open()) {
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "hello")).isEqualTo("hello");
			assertThat(this.jump.activeSessions()).isEqualTo(1);
			assertThat(this.server.activeSessions()).isEqualTo(1);
			assertThat(tunnel.state().jumpHosts()).containsExactly("127.0.0.1:" + this.jump.port());
			Health health = new SshTunnelHealthIndicator(tunnel).health();
			assertThat(health.getDetails()).containsEntry("jumpHosts", tunnel.state().jumpHosts());
			assertThat(health.toString()).doesNotContain(JUMP_PASSWORD);
			assertThat(tunnel.settings().toString()).doesNotContain(JUMP_PASSWORD);
		}
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.jump.activeSessions() == 0 && this.server.activeSessions() == 0);
	}

	@Test
	void losingTheJumpHostRebuildsTheChainOnTheSameLocalPort() throws Exception {
		try (SshTunnel tunnel = new SshTunnel(settings().keepalive(Duration.ofMillis(300), 2)
			.reconnect(true, Duration.ofMillis(100), Duration.ofMillis(500))
			.build()).open()) {
			int localPort = tunnel.localPort("echo");
			assertThat(TestTcpServer.exchange(localPort, "before")).isEqualTo("before");
			this.jump.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> !tunnel.state().isUp());
			// named by the loss itself, or by the next attempt, refused at the hop
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(tunnel.state().lastError())
					.contains("jump host 1 of 1, 127.0.0.1:" + this.jump.port()));
			// the server's own session went with the hop
			await().atMost(Duration.ofSeconds(10)).until(() -> this.server.activeSessions() == 0);
			this.jump.start();
			await().atMost(Duration.ofSeconds(20))
				.ignoreExceptions()
				.until(() -> "after".equals(TestTcpServer.exchange(localPort, "after")));
			assertThat(tunnel.state().reconnects()).isPositive();
			assertThat(tunnel.localPort("echo")).isEqualTo(localPort);
		}
	}

	@Test
	void aWrongPasswordAtTheJumpHostNamesTheHop() {
		TunnelSettings settings = this.server.tunnelSettings(ForwardSettings.of("echo", this.echo.port()))
			.jumpHost(JumpHost.builder("127.0.0.1")
				.port(this.jump.port())
				.username("jumper")
				.password("Wr0ng-pw-xyz")
				.hostKey(this.jump.hostKeyFingerprint())
				.build())
			.build();
		SshTunnelException failure = catchThrowableOfType(SshTunnelException.class,
				() -> new SshTunnel(settings).open());
		assertThat(failure.getReason()).isEqualTo(SshTunnelException.Reason.AUTHENTICATION_FAILED);
		assertThat(failure.getJumpHost()).isEqualTo("jump host 1 of 1, 127.0.0.1:" + this.jump.port());
		assertThat(failure.getMessage()).startsWith("jump host 1 of 1, 127.0.0.1:" + this.jump.port() + ": ")
			.contains("jumper")
			.doesNotContain("Wr0ng-pw-xyz");
		assertThat(this.server.activeSessions()).isZero();
	}

	private TunnelSettings.Builder settings() {
		return this.server.tunnelSettings(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.echo.port()))
			.jumpHost(JumpHost.builder("127.0.0.1")
				.port(this.jump.port())
				.username("jumper")
				.password(JUMP_PASSWORD)
				.hostKey(this.jump.hostKeyFingerprint())
				.build());
	}

}

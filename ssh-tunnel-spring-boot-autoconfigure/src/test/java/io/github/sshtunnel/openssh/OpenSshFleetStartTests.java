package io.github.sshtunnel.openssh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A fleet starting at once against a busy bastion: an OpenSSH sshd that drops every new
 * connection beyond two unauthenticated ones ({@code MaxStartups 2:100:2}), as a rolling
 * deploy meets it. With default settings (fail-fast on) every tunnel comes up, because a
 * connection dropped during the handshake is retried with jittered back-off within
 * {@code connect-timeout}; a server that always drops fails with a message that says so;
 * authentication and host-key failures are never retried.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshFleetStartTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	private static final int FLEET = 20;

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private final TestTcpServer target = TestTcpServer.echo();

	@BeforeEach
	void requirePeers() {
		Peers.requireOpenSsh();
	}

	@AfterEach
	void stop() {
		this.target.close();
		if (this.sshd != null) {
			this.sshd.close();
		}
	}

	@Test
	void twentyTunnelsOpenedAtOnceAgainstMaxStartupsAllComeUpWithDefaultSettings() throws Exception {
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub"))
			.configure("MaxStartups 2:100:2")
			.start();
		TunnelSettings settings = settings(KEYS.resolve("ed25519_openssh")).build();
		// the default: fail-fast with a 10 s connect-timeout
		assertThat(settings.isFailFast()).isTrue();
		assertThat(settings.getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
		List<SshTunnel> tunnels = new CopyOnWriteArrayList<>();
		ExecutorService fleet = Executors.newFixedThreadPool(FLEET);
		CyclicBarrier together = new CyclicBarrier(FLEET);
		try {
			List<Future<Long>> opened = new ArrayList<>();
			for (int i = 0; i < FLEET; i++) {
				opened.add(fleet.submit(() -> {
					SshTunnel tunnel = new SshTunnel(settings);
					tunnels.add(tunnel);
					together.await(10, TimeUnit.SECONDS);
					long start = System.nanoTime();
					tunnel.open();
					return System.nanoTime() - start;
				}));
			}
			long slowest = 0;
			for (Future<Long> open : opened) {
				slowest = Math.max(slowest, open.get(30, TimeUnit.SECONDS));
			}
			long dropped = tunnels.stream().mapToLong((tunnel) -> tunnel.state().handshakesDropped()).sum();
			System.out.printf("fleet start: %d tunnels up, slowest %d ms, %d dropped handshakes retried%n", FLEET,
					TimeUnit.NANOSECONDS.toMillis(slowest), dropped);
			assertThat(Duration.ofNanos(slowest)).isLessThan(settings.getConnectTimeout());
			assertThat(dropped).as("handshakes the server dropped (the test must provoke some)").isPositive();
			for (SshTunnel tunnel : tunnels) {
				assertThat(tunnel.state().isUp()).isTrue();
				assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "up")).isEqualTo("up");
			}
		}
		finally {
			fleet.shutdownNow();
			tunnels.forEach(SshTunnel::close);
		}
	}

	@Test
	void serverThatAlwaysDropsTheHandshakeFailsAfterConnectTimeoutSayingSo() throws Exception {
		try (ServerSocket dropping = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			Thread dropper = new Thread(() -> {
				while (!dropping.isClosed()) {
					try (Socket socket = dropping.accept()) {
						// closed at once, before the SSH banner, as sshd past MaxStartups
						// does
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "dropping-server");
			dropper.setDaemon(true);
			dropper.start();
			Duration timeout = Duration.ofSeconds(3);
			TunnelSettings settings = TunnelSettings.builder("127.0.0.1")
				.port(dropping.getLocalPort())
				.username("app")
				.password("secret")
				.hostKey("SHA256:gmF5J0jtd3JCdn+07GPe2K5ZF3Tfivd06hR+EB9+rAc")
				.connectTimeout(timeout)
				.forward(ForwardSettings.of("echo", this.target.port()))
				.build();
			long start = System.nanoTime();
			assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
				.satisfies((ex) -> {
					Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
					assertThat(ex.getReason()).isEqualTo(Reason.HANDSHAKE_DROPPED);
					assertThat(ex.getMessage()).containsPattern(
							"SSH server \\[127.0.0.1\\]:\\d+ closed the connection during the handshake \\(\\d+ attempts in \\d+\\.\\d s\\); "
									+ "a busy server drops new connections beyond its MaxStartups");
					int attempts = Integer.parseInt(ex.getMessage().replaceAll(".*\\((\\d+) attempts.*", "$1"));
					assertThat(attempts).isGreaterThan(2);
					assertThat(ex.getAction()).contains("ssh.tunnel.connect-timeout");
					assertThat(elapsed).isBetween(timeout.minusMillis(500), timeout.plusSeconds(2));
				});
		}
	}

	@Test
	void authenticationFailureIsReportedOnTheFirstAttempt() {
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		assertFailsOnFirstAttempt(settings(KEYS.resolve("rsa_openssh")).build(), Reason.AUTHENTICATION_FAILED);
	}

	@Test
	void hostKeyFailureIsReportedOnTheFirstAttempt() throws IOException {
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		Path empty = java.nio.file.Files.createFile(this.temp.resolve("empty_known_hosts"));
		assertFailsOnFirstAttempt(settings(KEYS.resolve("ed25519_openssh")).knownHosts(empty).build(),
				Reason.HOST_KEY_UNKNOWN);
	}

	private void assertFailsOnFirstAttempt(TunnelSettings settings, Reason reason) {
		SshTunnel tunnel = new SshTunnel(settings);
		AtomicInteger attempts = new AtomicInteger();
		tunnel.addListener(new SshTunnelListener() {

			@Override
			public void connectFailed(SshTunnelException cause, long duration) {
				attempts.incrementAndGet();
			}

		});
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(tunnel::open)
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(reason));
		assertThat(attempts).hasValue(1);
		assertThat(tunnel.state().handshakesDropped()).isZero();
	}

	private TunnelSettings.Builder settings(Path userKey) {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.sshd.port())
			.username(this.sshd.user())
			.privateKey(PrivateKeySource.ofPath(userKey))
			.knownHosts(this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false))
			.forward(ForwardSettings.of("echo", this.target.port()));
	}

}

package io.github.sshtunnel.openssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests against a real OpenSSH {@code sshd} started by the test with its own config, host
 * keys and {@code authorized_keys} on a free loopback port.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshTunnelTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private final TestTcpServer target = TestTcpServer.echo();

	@BeforeEach
	void startSshd() {
		Peers.requireOpenSsh();
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub"))
			.authorize(KEYS.resolve("rsa_openssh.pub"))
			.authorize(KEYS.resolve("ecdsa_pkcs8_encrypted.pub"))
			.start();
	}

	@AfterEach
	void stop() {
		if (this.sshd != null) {
			this.sshd.close();
		}
		this.target.close();
	}

	@ParameterizedTest(name = "user key {0}, known host key {1}, hashed {2}")
	@CsvSource({ "ed25519_openssh, ed25519, true", "rsa_openssh, rsa, false", "ed25519_openssh, ecdsa, true",
			"rsa_openssh, ed25519, false", "ecdsa_pkcs8_encrypted, rsa, true" })
	void forwardsWithUserKeyAndKnownHostKey(String userKey, String hostKeyType, boolean hashed) throws Exception {
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), hostKeyType, hashed);
		TunnelSettings.Builder settings = settings(userKey).knownHosts(knownHosts);
		if (userKey.endsWith("_encrypted")) {
			settings.privateKeyPassphrase("test-passphrase");
		}
		try (SshTunnel tunnel = new SshTunnel(settings.build()).open()) {
			assertThat(tunnel.state().isUp()).as(this.sshd.log()).isTrue();
			assertThat(tunnel.state().hostKeyFingerprint()).isEqualTo(fingerprint(hostKeyType));
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "through OpenSSH"))
				.isEqualTo("through OpenSSH");
		}
	}

	@Test
	void refusesChangedHostKey() {
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", true);
		this.sshd.kill();
		this.sshd.replaceHostKeys();
		this.sshd.start();
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings("ed25519_openssh").knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(SshTunnelException.Reason.HOST_KEY_CHANGED);
				assertThat(ex.getMessage()).contains("man-in-the-middle");
			});
	}

	@Test
	void refusesKeyThatIsNotAuthorized() {
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false);
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings("ecdsa_openssh").knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(SshTunnelException.Reason.AUTHENTICATION_FAILED));
	}

	@Test
	void recoversAfterSshdIsKilledAndRestarted() throws Exception {
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false);
		TunnelSettings settings = settings("ed25519_openssh").knownHosts(knownHosts)
			.keepalive(Duration.ofMillis(500), 2)
			.reconnect(true, Duration.ofMillis(200), Duration.ofSeconds(1))
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			int port = tunnel.localPort("echo");
			assertThat(TestTcpServer.exchange(port, "before")).isEqualTo("before");
			this.sshd.kill();
			await().atMost(Duration.ofSeconds(10)).until(() -> !tunnel.state().isUp());
			this.sshd.start();
			await().atMost(Duration.ofSeconds(15)).until(() -> tunnel.state().isUp());
			assertThat(tunnel.localPort("echo")).isEqualTo(port);
			assertThat(tunnel.state().reconnects()).isEqualTo(1);
			assertThat(TestTcpServer.exchange(port, "after")).isEqualTo("after");
		}
	}

	@Test
	void targetClosingWhileTheApplicationStillSendsEndsTheLocalConnection() throws Exception {
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false);
		TunnelSettings.Builder settings = settings("ed25519_openssh").knownHosts(knownHosts);
		try (ServerSocket sink = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				SshTunnel tunnel = new SshTunnel(
						settings.forward(new ForwardSettings("sink", "127.0.0.1", 0, "127.0.0.1", sink.getLocalPort()))
							.build())
					.open();
				Socket application = new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort("sink"))) {
			CompletableFuture<Long> written = CompletableFuture.supplyAsync(() -> {
				byte[] chunk = new byte[64 * 1024];
				long total = 0;
				try {
					// bounded: 256 MiB, far more than the socket buffers and windows hold
					for (int i = 0; i < 4096; i++) {
						application.getOutputStream().write(chunk);
						total += chunk.length;
					}
				}
				catch (IOException ex) {
					return total;
				}
				return -1L;
			});
			// the target reads a little, stops reading until every buffer and window on
			// the way is full (the tunnel's byte count stands still), then closes: a
			// database dropping a client in the middle of a large statement
			try (Socket target = sink.accept()) {
				target.getInputStream().readNBytes(64 * 1024);
				awaitStandingStill(() -> tunnel.state().forward("sink").bytesOutbound());
			}
			// as through ssh -L, the application's writes fail once the target is gone,
			// instead of blocking on a connection that can never deliver
			assertThat(written.get(30, TimeUnit.SECONDS)).as("bytes written before a write failed")
				.isGreaterThanOrEqualTo(64 * 1024);
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(tunnel.state().forward("sink").activeConnections()).isZero());
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "still forwarding"))
				.isEqualTo("still forwarding");
		}
	}

	@Test
	void targetHalfClosingPassesItsEofOnWhileTheApplicationStillSends() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				SshTunnel tunnel = openWithForward("half", server.getLocalPort());
				Socket application = new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort("half"))) {
			application.setSoTimeout(20_000);
			// the target answers and shuts down its sending side only (a server that
			// streams a result and then waits for the client's last words)
			CompletableFuture<String> heardByTarget = CompletableFuture.supplyAsync(() -> {
				try (Socket target = server.accept()) {
					target.setSoTimeout(20_000);
					target.getOutputStream().write("result".getBytes(StandardCharsets.US_ASCII));
					target.shutdownOutput();
					return new String(target.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
				}
				catch (IOException ex) {
					return ex.toString();
				}
			});
			// as through ssh -L, the application reads the data and then the EOF, while
			// the connection stays open the other way
			assertThat(new String(application.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
				.isEqualTo("result");
			application.getOutputStream().write("goodbye".getBytes(StandardCharsets.US_ASCII));
			application.shutdownOutput();
			assertThat(heardByTarget.get(30, TimeUnit.SECONDS)).isEqualTo("goodbye");
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(tunnel.state().forward("half").activeConnections()).isZero());
		}
	}

	@Test
	void applicationThatDoesNotReadStopsTheTargetAndThenGetsEveryByteInOrder() throws Exception {
		int total = 64 * 1024 * 1024;
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				SshTunnel tunnel = openWithForward("stream", server.getLocalPort());
				Socket application = new Socket(InetAddress.getLoopbackAddress(), tunnel.localPort("stream"))) {
			application.setSoTimeout(20_000);
			// the target streams 64 MiB (a large result set) as fast as it may
			CompletableFuture<Void> streamed = CompletableFuture.runAsync(() -> {
				try (Socket target = server.accept()) {
					byte[] chunk = new byte[64 * 1024];
					for (int sent = 0; sent < total; sent += chunk.length) {
						for (int i = 0; i < chunk.length; i++) {
							chunk[i] = (byte) ((sent + i) % 251);
						}
						target.getOutputStream().write(chunk);
					}
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			// while the application reads nothing, the SSH window stops the target: the
			// tunnel's count stands still far below the total (it holds no more than a
			// window, and the kernel's socket buffers the rest)
			long held = awaitStandingStill(() -> tunnel.state().forward("stream").bytesInbound());
			assertThat(held).isLessThan(total / 2);
			assertThat(streamed).isNotDone();
			// then every byte arrives, in order
			byte[] received = application.getInputStream().readNBytes(total);
			assertThat(received).hasSize(total);
			for (int i = 0; i < total; i++) {
				if (received[i] != (byte) (i % 251)) {
					throw new AssertionError("byte " + i + " is " + received[i] + ", expected " + (byte) (i % 251));
				}
			}
			streamed.get(30, TimeUnit.SECONDS);
			assertThat(application.getInputStream().read()).as("the target's end of stream").isEqualTo(-1);
			assertThat(tunnel.state().forward("stream").bytesInbound()).isEqualTo(total);
		}
	}

	private SshTunnel openWithForward(String name, int targetPort) throws Exception {
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false);
		return new SshTunnel(settings("ed25519_openssh").knownHosts(knownHosts)
			.forward(new ForwardSettings(name, "127.0.0.1", 0, "127.0.0.1", targetPort))
			.build()).open();
	}

	/**
	 * Wait until a byte count stops moving (the same value 300 ms apart).
	 * @param count the count
	 * @return the value it stopped at
	 */
	private static long awaitStandingStill(LongSupplier count) {
		long[] last = { -1 };
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
			long now = count.getAsLong();
			boolean still = now == last[0];
			last[0] = now;
			return still;
		});
		return last[0];
	}

	private TunnelSettings.Builder settings(String userKey) {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.sshd.port())
			.username(this.sshd.user())
			.privateKey(PrivateKeySource.ofPath(KEYS.resolve(userKey)))
			.connectTimeout(Duration.ofSeconds(10))
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.target.port()));
	}

	private String fingerprint(String hostKeyType) throws Exception {
		String line = this.sshd.hostKeyLine(hostKeyType);
		return org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(
				org.apache.sshd.common.digest.BuiltinDigests.sha256,
				org.apache.sshd.common.config.keys.AuthorizedKeyEntry.parseAuthorizedKeyEntry(line)
					.resolvePublicKey(null, org.apache.sshd.common.config.keys.PublicKeyEntryResolver.FAILING));
	}

}

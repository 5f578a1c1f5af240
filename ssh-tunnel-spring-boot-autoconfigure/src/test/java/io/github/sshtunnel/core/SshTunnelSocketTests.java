package io.github.sshtunnel.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for in-process channel sockets ({@link SshTunnel#createSocket()}), the core of
 * {@code socket} mode, through the in-process MINA server.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelSocketTests {

	private final TestTcpServer echo = TestTcpServer.echo();

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret");

	@AfterEach
	void stop() {
		this.server.close();
		this.echo.close();
	}

	@Test
	void carriesBytesBothWaysThroughAChannelWithoutALocalPort() throws Exception {
		this.server.start();
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open(); Socket socket = tunnel.createSocket()) {
			assertThat(socket.isConnected()).isFalse();
			socket.setTcpNoDelay(true);
			socket.setKeepAlive(true);
			socket.setSoTimeout(5000);
			socket.connect(InetSocketAddress.createUnresolved("localhost", this.echo.port()), 2000);
			assertThat(socket.isConnected()).isTrue();
			assertThat(socket.getPort()).isEqualTo(this.echo.port());
			assertThat(socket.getRemoteSocketAddress())
				.isEqualTo(InetSocketAddress.createUnresolved("localhost", this.echo.port()));
			assertThat(socket.getInetAddress().getHostName()).isEqualTo("localhost");
			assertThat(exchange(socket, "hello")).isEqualTo("hello");
			ForwardState route = tunnel.state().forward("datasource");
			assertThat(route.isInProcess()).isTrue();
			assertThat(route.isBound()).isFalse();
			assertThat(route.remoteHost()).isEqualTo("localhost");
			assertThat(route.openedConnections()).isEqualTo(1);
			assertThat(route.activeConnections()).isEqualTo(1);
			assertThat(route.bytesOutbound()).isEqualTo(5);
			assertThat(route.bytesInbound()).isEqualTo(5);
			assertThat(tunnel.state().isUp()).isTrue();
			socket.close();
			socket.close();
			assertThat(socket.isClosed()).isTrue();
			assertThatExceptionOfType(SocketException.class).isThrownBy(socket::getInputStream);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> tunnel.state().forward("datasource").activeConnections() == 0);
		}
	}

	@Test
	void namesOneRoutePerDistinctTarget() throws Exception {
		this.server.start();
		try (TestTcpServer second = TestTcpServer.echo(); SshTunnel tunnel = new SshTunnel(settings().build()).open()) {
			for (int port : new int[] { this.echo.port(), second.port(), this.echo.port() }) {
				try (Socket socket = tunnel.createSocket()) {
					socket.setSoTimeout(5000);
					socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
					assertThat(exchange(socket, "x")).isEqualTo("x");
				}
			}
			assertThat(tunnel.state().forward("datasource").remotePort()).isEqualTo(this.echo.port());
			assertThat(tunnel.state().forward("datasource").openedConnections()).isEqualTo(2);
			assertThat(tunnel.state().forward("datasource-2").remotePort()).isEqualTo(second.port());
		}
	}

	@Test
	void readTimeoutIsASocketTimeoutAndTheSocketStaysUsable() throws Exception {
		this.server.start();
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open(); Socket socket = tunnel.createSocket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.echo.port()), 2000);
			socket.setSoTimeout(300);
			long start = System.nanoTime();
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250),
					Duration.ofSeconds(3));
			socket.setSoTimeout(5000);
			assertThat(exchange(socket, "still")).isEqualTo("still");
		}
	}

	@Test
	void shutdownOutputSendsEofToTheTarget() throws Exception {
		this.server.start();
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open(); Socket socket = tunnel.createSocket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.echo.port()), 2000);
			socket.setSoTimeout(5000);
			socket.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
			socket.shutdownOutput();
			assertThat(socket.isOutputShutdown()).isTrue();
			// the echo server answers, then closes its side when it sees our EOF
			assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("bye");
			// the InputStream contract: never negative (MINA's pipe answers -1 after the
			// end of stream, and SSLSocket's close, skipping "available" bytes until none
			// were, looped for ever on it)
			assertThat(socket.getInputStream().available()).isZero();
		}
	}

	@Test
	void shutdownInputWithUnreadBytesLeavesNothingAvailable() throws Exception {
		this.server.start();
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open(); Socket socket = tunnel.createSocket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.echo.port()), 2000);
			socket.setSoTimeout(5000);
			socket.getOutputStream().write("unread".getBytes(StandardCharsets.US_ASCII));
			InputStream input = socket.getInputStream();
			await().atMost(Duration.ofSeconds(5)).until(() -> input.available() > 0);
			socket.shutdownInput();
			// read answers end of stream now, so available must answer 0: SSLSocket's
			// close skips what is available until nothing is, and looped for ever
			assertThat(input.read()).isEqualTo(-1);
			assertThat(input.available()).isZero();
			assertThat(input.skip(6)).isZero();
		}
	}

	@Test
	void refusedTargetIsAConnectExceptionNamingTheTarget() throws Exception {
		this.server.start();
		int closedPort = freePort();
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open(); Socket socket = tunnel.createSocket()) {
			assertThatExceptionOfType(ConnectException.class)
				.isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", closedPort), 2000))
				.withMessageContaining("127.0.0.1:" + closedPort);
			assertThat(tunnel.state().forward("datasource").failedConnections()).isEqualTo(1);
		}
	}

	@Test
	void channelWhoseOpenTimedOutIsClosedOnTheServerWhenTheServerOpensItLate() throws Exception {
		CountDownLatch release = this.server.holdChannelOpens();
		this.server.start();
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try (ServerSocket slow = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
				SshTunnel tunnel = new SshTunnel(settings().build()).open();
				Socket socket = tunnel.createSocket()) {
			Future<?> targetEnded = threads.submit(() -> TestTcpServer.awaitOneConnectionEnd(slow));
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", slow.getLocalPort()), 1000));
			// the server opens the channel after all, and connects the target: the tunnel
			// closes that channel, and so the target connection
			release.countDown();
			targetEnded.get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.server.openChannels()).isZero());
		}
		finally {
			release.countDown();
			threads.shutdownNow();
		}
	}

	@Test
	void whileTheSessionIsDownConnectFailsAtOnceAndWorksAgainAfterReconnection() throws Exception {
		this.server.start();
		TunnelSettings settings = settings().keepalive(Duration.ofMillis(500), 2)
			.reconnect(true, Duration.ofMillis(200), Duration.ofSeconds(1))
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			this.server.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> !tunnel.state().isUp());
			long start = System.nanoTime();
			try (Socket socket = tunnel.createSocket()) {
				assertThatExceptionOfType(ConnectException.class)
					.isThrownBy(() -> socket.connect(new InetSocketAddress("127.0.0.1", this.echo.port()), 10000))
					.withMessageContaining("SSH session to")
					.withMessageContaining("is down");
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
			this.server.start();
			await().atMost(Duration.ofSeconds(15)).until(() -> tunnel.state().isUp());
			try (Socket socket = tunnel.createSocket()) {
				socket.setSoTimeout(5000);
				socket.connect(new InetSocketAddress("127.0.0.1", this.echo.port()), 2000);
				assertThat(exchange(socket, "after")).isEqualTo("after");
			}
		}
	}

	@Test
	void closingTheTunnelClosesItsSocketsAndRefusesNewOnes() throws Exception {
		this.server.start();
		SshTunnel tunnel = new SshTunnel(settings().build()).open();
		Socket socket = tunnel.createSocket();
		socket.connect(new InetSocketAddress("127.0.0.1", this.echo.port()), 2000);
		socket.setSoTimeout(5000);
		InputStream in = socket.getInputStream();
		tunnel.close();
		assertThat(socket.isClosed()).isTrue();
		assertThatExceptionOfType(IOException.class).isThrownBy(in::read);
		assertThatExceptionOfType(ConnectException.class).isThrownBy(
				() -> tunnel.createSocket().connect(new InetSocketAddress("127.0.0.1", this.echo.port()), 2000));
	}

	private TunnelSettings.Builder settings() {
		return this.server.tunnelSettings().connectTimeout(Duration.ofSeconds(3));
	}

	private static String exchange(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		byte[] answer = new byte[text.length()];
		InputStream in = socket.getInputStream();
		int read = 0;
		while (read < answer.length) {
			int n = in.read(answer, read, answer.length - read);
			if (n < 0) {
				break;
			}
			read += n;
		}
		return new String(answer, 0, read, StandardCharsets.US_ASCII);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}

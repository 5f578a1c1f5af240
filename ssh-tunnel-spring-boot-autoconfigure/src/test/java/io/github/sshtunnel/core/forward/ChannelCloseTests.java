package io.github.sshtunnel.core.forward;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for how a forwarded connection's channel ends: completely, and without the work
 * MINA's own close does for a channel that opened long ago.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class ChannelCloseTests {

	private static final int CONNECTIONS = 20;

	private final TestTcpServer target = TestTcpServer.echo();

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret");

	@AfterEach
	void stop() {
		this.server.close();
		this.target.close();
	}

	@Test
	void connectionsEndWithTheirChannelsClosedAndNoExceptionCreated(@TempDir Path directory) throws Exception {
		this.server.start();
		List<Channel> closed = new CopyOnWriteArrayList<>();
		List<Throwable> reasons = new CopyOnWriteArrayList<>();
		SshClientCustomizer channels = (client) -> client.addChannelListener(new ChannelListener() {

			@Override
			public void channelClosed(Channel channel, Throwable reason) {
				closed.add(channel);
				if (reason != null) {
					reasons.add(reason);
				}
			}

		});
		TunnelSettings settings = TunnelSettings.builder("127.0.0.1")
			.port(this.server.port())
			.username("alice")
			.password("secret")
			.hostKey(this.server.hostKeyFingerprint())
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.target.port()))
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings, List.of(channels)).open();
				Recording recording = new Recording()) {
			// every Throwable constructed, thrown or not
			recording.enable("jdk.JavaExceptionThrow");
			recording.start();
			for (int i = 0; i < CONNECTIONS; i++) {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress("127.0.0.1", tunnel.localPort("echo")), 2000);
					socket.setSoTimeout(10000);
					socket.getOutputStream().write(i);
					assertThat(socket.getInputStream().read()).isEqualTo(i);
				}
			}
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				ForwardState echo = tunnel.state().forward("echo");
				assertThat(echo.openedConnections()).isEqualTo(CONNECTIONS);
				assertThat(echo.activeConnections()).isZero();
				assertThat(closed).hasSize(CONNECTIONS);
			});
			recording.stop();
			Path file = directory.resolve("close.jfr");
			recording.dump(file);
			assertThat(Files.size(file)).isPositive();
			// MINA's close of a client channel used to complete the (long done) open
			// future with a new SshException, stack trace and all, for every connection
			List<String> created = RecordingFile.readAllEvents(file)
				.stream()
				.filter(ChannelCloseTests::onTunnelThread)
				.filter((event) -> !isLinkageError(event.getClass("thrownClass").getName()))
				.map((event) -> event.getClass("thrownClass").getName() + ": " + event.getString("message"))
				.toList();
			assertThat(created).isEmpty();
			assertThat(reasons).isEmpty();
			assertThat(closed).allMatch(Channel::isClosed);
			assertThat(closed).allMatch((channel) -> channel.toString().contains("recipient="));
			assertThat(tunnel.state().forward("echo").failedConnections()).isZero();
		}
	}

	@Test
	void targetThatDropsTheConnectionWhileTheApplicationSendsLeavesNoChannelOnTheServer() throws Exception {
		this.server.start();
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try (ServerSocket dropping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
				SshTunnel tunnel = new SshTunnel(settings(dropping.getLocalPort()), List.of()).open()) {
			AtomicLong received = new AtomicLong();
			AtomicLong sent = new AtomicLong();
			// as an iperf3 server ends a test: it reads a little, then resets the
			// connection while the other side still sends
			Future<?> target = threads.submit(() -> {
				try (Socket accepted = dropping.accept()) {
					accepted.setSoTimeout(20_000);
					byte[] buffer = new byte[8192];
					InputStream in = accepted.getInputStream();
					for (int count = in.read(buffer); count > 0; count = in.read(buffer)) {
						if (received.addAndGet(count) >= 16 * 1024) {
							break;
						}
					}
					accepted.setSoLinger(true, 0);
				}
				return null;
			});
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", tunnel.localPort("echo")), 2000);
				Future<?> sending = threads.submit(() -> sendUntilRefused(socket, sent));
				target.get(20, TimeUnit.SECONDS);
				sending.get(20, TimeUnit.SECONDS);
			}
			catch (TimeoutException ex) {
				throw new AssertionError("the application sent " + sent + " bytes, the target received " + received
						+ "; " + tunnel.state().forward("echo"), ex);
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(tunnel.state().forward("echo").activeConnections()).isZero());
			// the server closed the channel; it is gone only once the tunnel answered
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.server.openChannels()).isZero());
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void applicationThatResetsItsConnectionClosesTheTargetConnection() throws Exception {
		this.server.start();
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
				SshTunnel tunnel = new SshTunnel(settings(silent.getLocalPort()), List.of()).open()) {
			CompletableFuture<Integer> firstByte = new CompletableFuture<>();
			// a target that answers nothing and waits for the end of its connection
			Future<?> targetEnded = threads.submit(() -> {
				try (Socket accepted = silent.accept()) {
					accepted.setSoTimeout(30_000);
					InputStream in = accepted.getInputStream();
					firstByte.complete(in.read());
					while (in.read() >= 0) {
						// until the end
					}
				}
				catch (IOException ex) {
					// a reset ends it too
				}
				return null;
			});
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", tunnel.localPort("echo")), 2000);
			socket.getOutputStream().write(42);
			assertThat(firstByte.get(10, TimeUnit.SECONDS)).isEqualTo(42);
			socket.setSoLinger(true, 0);
			socket.close();
			// before, the SSH server kept its end of the channel, and the target
			// connection, until the session ended
			targetEnded.get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.server.openChannels()).isZero());
			assertThat(tunnel.state().forward("echo").activeConnections()).isZero();
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void channelWhoseOpenTimedOutIsClosedOnTheServerWhenTheServerOpensItLate() throws Exception {
		CountDownLatch release = this.server.holdChannelOpens();
		this.server.start();
		ExecutorService threads = Executors.newSingleThreadExecutor();
		try (ServerSocket slow = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
				SshTunnel tunnel = new SshTunnel(
						settingsBuilder(slow.getLocalPort()).connectTimeout(Duration.ofSeconds(3)).build(), List.of())
					.open()) {
			Future<?> targetEnded = threads.submit(() -> TestTcpServer.awaitOneConnectionEnd(slow));
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", tunnel.localPort("echo")), 2000);
				socket.setSoTimeout(10_000);
				// the server does not answer the open within the bound: the forward gives
				// the connection up
				assertThat(socket.getInputStream().read()).isEqualTo(-1);
			}
			assertThat(tunnel.state().forward("echo").failedConnections()).isEqualTo(1);
			// the server opens the channel after all, and connects the target: the tunnel
			// closes that channel, and so the target connection, instead of ignoring the
			// late confirmation (which left both open until the session ended)
			release.countDown();
			targetEnded.get(10, TimeUnit.SECONDS);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.server.openChannels()).isZero());
			assertThat(tunnel.state().forward("echo").activeConnections()).isZero();
		}
		finally {
			release.countDown();
			threads.shutdownNow();
		}
	}

	private TunnelSettings settings(int targetPort) {
		return settingsBuilder(targetPort).build();
	}

	private TunnelSettings.Builder settingsBuilder(int targetPort) {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.server.port())
			.username("alice")
			.password("secret")
			.hostKey(this.server.hostKeyFingerprint())
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", targetPort));
	}

	/**
	 * Write until the forward refuses more: at most 256 MiB.
	 */
	private static void sendUntilRefused(Socket socket, AtomicLong sent) {
		byte[] chunk = new byte[16 * 1024];
		try {
			OutputStream out = socket.getOutputStream();
			for (int i = 0; i < 16 * 1024; i++) {
				out.write(chunk);
				sent.addAndGet(chunk.length);
			}
			throw new AssertionError("the forward took 256 MiB after its target was gone");
		}
		catch (IOException ex) {
			// the forward closed the application's connection
		}
	}

	/**
	 * The JDK's own, while it links a lambda or method handle the first time.
	 * @param name the class created
	 * @return whether it is a {@link LinkageError}
	 */
	private static boolean isLinkageError(String name) {
		try {
			return LinkageError.class.isAssignableFrom(Class.forName(name));
		}
		catch (ClassNotFoundException ex) {
			return false;
		}
	}

	private static boolean onTunnelThread(RecordedEvent event) {
		return event.getThread() != null && event.getThread().getJavaName() != null
				&& event.getThread().getJavaName().startsWith("ssh-tunnel-");
	}

}

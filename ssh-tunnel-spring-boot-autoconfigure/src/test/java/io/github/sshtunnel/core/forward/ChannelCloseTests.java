package io.github.sshtunnel.core.forward;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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

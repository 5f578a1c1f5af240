package io.github.sshtunnel.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.net.ExtendedSocketOptions;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.forward.TcpForwardingFilter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.client.TunnelThreads;
import io.github.sshtunnel.core.io.PolledReads;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for opening, failing, losing, regaining and closing a tunnel.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelLifecycleTests {

	private final TestTcpServer target = TestTcpServer.echo();

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret");

	@AfterEach
	void stop() {
		this.server.close();
		this.target.close();
	}

	@Test
	void unreachableServerFailsFastNamingTheProperties() throws IOException {
		int closedPort = freePort();
		long start = System.nanoTime();
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings(closedPort).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.CONNECT_FAILED);
				assertThat(ex.getMessage()).contains("[127.0.0.1]:" + closedPort);
				assertThat(ex.getAction()).contains("ssh.tunnel.host").contains("ssh.tunnel.port");
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertNoTunnelThreads();
	}

	@Test
	void silentServerTimesOutWithinTheConnectTimeout() throws IOException {
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			long start = System.nanoTime();
			assertThatExceptionOfType(SshTunnelException.class)
				.isThrownBy(() -> new SshTunnel(
						settings(silent.getLocalPort()).connectTimeout(Duration.ofMillis(800)).build())
					.open())
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(Reason.CONNECT_TIMEOUT);
					assertThat(ex.getMessage()).contains("Timed out after 800 ms");
					assertThat(ex.getAction()).contains("ssh.tunnel.connect-timeout");
				});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		}
	}

	@Test
	void localPortInUseIsReportedNamingTheProperty() throws IOException {
		this.server.start();
		try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			TunnelSettings settings = settings(this.server.port())
				.forward(new ForwardSettings("db", "127.0.0.1", busy.getLocalPort(), "127.0.0.1", 5432))
				.build();
			assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(Reason.LOCAL_PORT_IN_USE);
					assertThat(ex.getMessage()).contains("Local port " + busy.getLocalPort())
						.contains("already in use");
					assertThat(ex.getAction()).contains("ssh.tunnel.forwards.db.local-port");
				});
		}
		assertThat(this.server.activeSessions()).isZero();
	}

	@Test
	void closeDropsConnectionsFreesPortsAndStopsThreads() throws Exception {
		this.server.start();
		SshTunnel tunnel = new SshTunnel(echoSettings().build()).open();
		int port = tunnel.localPort("echo");
		try (Socket open = connect(port)) {
			open.getOutputStream().write(1);
			assertThat(open.getInputStream().read()).isEqualTo(1);
			await().atMost(Duration.ofSeconds(5)).until(() -> tunnel.state().forward("echo").activeConnections() == 1);
			long start = System.nanoTime();
			tunnel.close();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(open.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(tunnel.state().status()).isEqualTo(SessionStatus.CLOSED);
		try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(again.getLocalPort()).isEqualTo(port);
		}
		assertNoTunnelThreads();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.server.activeSessions() == 0);
	}

	@Test
	void sshSocketSendsSmallPacketsAtOnceAndAcknowledgesAtOnce() throws Exception {
		this.server.start();
		List<String> keyExchangeThreads = new CopyOnWriteArrayList<>();
		List<Session> sessions = new CopyOnWriteArrayList<>();
		SshClientCustomizer recorder = (client) -> client.addSessionListener(new SessionListener() {

			@Override
			public void sessionEvent(Session session, Event event) {
				if (event == Event.KeyEstablished) {
					keyExchangeThreads.add(Thread.currentThread().getName());
					sessions.add(session);
				}
			}

		});
		try (SshTunnel tunnel = new SshTunnel(echoSettings().build(), List.of(recorder)).open()) {
			// the session's I/O runs on the tunnel's own threads, with the local sockets
			assertThat(keyExchangeThreads).isNotEmpty().allMatch((name) -> name.startsWith("ssh-tunnel-io-"));
			Nio2Session io = (Nio2Session) sessions.get(0).getIoSession();
			// Nagle off: a small packet after another one must not wait for the ACK
			assertThat(io.getSocket().getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
			if (io.getSocket().supportedOptions().contains(ExtendedSocketOptions.TCP_QUICKACK)) {
				assertThat(io.getClass().getSimpleName()).isEqualTo("TunnelSession");
			}
			// and the session still carries data both ways
			try (Socket socket = connect(tunnel.localPort("echo"))) {
				for (int i = 0; i < 100; i++) {
					socket.getOutputStream().write(i);
					assertThat(socket.getInputStream().read()).isEqualTo(i);
				}
			}
		}
		assertNoTunnelThreads();
	}

	@Test
	void propertiesLookedUpPerPacketOrChannelAreResolvedOnceAndStillHonourMinaSystemProperties() throws Exception {
		this.server.start();
		String writeTimeout = CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getName();
		String closeTimeout = CoreModuleProperties.CHANNEL_CLOSE_TIMEOUT.getName();
		List<String> held = List.of(writeTimeout, CoreModuleProperties.NIO2_READ_TIMEOUT.getName(),
				CoreModuleProperties.MAX_CONCURRENT_CHANNELS.getName(), CoreModuleProperties.WINDOW_SIZE.getName(),
				CoreModuleProperties.MAX_PACKET_SIZE.getName(), CoreModuleProperties.LIMIT_PACKET_SIZE.getName(),
				closeTimeout);
		List<SshClient> clients = new CopyOnWriteArrayList<>();
		System.setProperty("org.apache.sshd.config." + writeTimeout, "45000");
		System.setProperty("org.apache.sshd.config." + closeTimeout, "7000");
		try (SshTunnel tunnel = new SshTunnel(echoSettings().build(), List.of(clients::add)).open()) {
			SshClient client = clients.get(0);
			// held by the client itself, so that MINA's lookup for every packet or
			// channel
			// ends there instead of building a system property name each time
			assertThat(client.getProperties()).containsKeys(held.toArray(String[]::new));
			// with the value MINA would have found: the user's system property...
			assertThat(CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT.getRequired(client))
				.isEqualTo(Duration.ofSeconds(45));
			assertThat(CoreModuleProperties.CHANNEL_CLOSE_TIMEOUT.getRequired(client)).isEqualTo(Duration.ofSeconds(7));
			// ...or MINA's default
			assertThat(CoreModuleProperties.NIO2_READ_TIMEOUT.getRequired(client))
				.isEqualTo(CoreModuleProperties.NIO2_READ_TIMEOUT.getRequiredDefault());
			assertThat(CoreModuleProperties.WINDOW_SIZE.getRequired(client))
				.isEqualTo(CoreModuleProperties.WINDOW_SIZE.getRequiredDefault());
			try (Socket socket = connect(tunnel.localPort("echo"))) {
				socket.getOutputStream().write(42);
				assertThat(socket.getInputStream().read()).isEqualTo(42);
			}
		}
		finally {
			System.clearProperty("org.apache.sshd.config." + writeTimeout);
			System.clearProperty("org.apache.sshd.config." + closeTimeout);
		}
	}

	@Test
	void theTunnelRunsItsOwnEventLoopAndTheJdksGroupOnlyWhenTheJvmAsksForIt() throws Exception {
		this.server.start();
		String before = System.getProperty(PolledReads.PROPERTY);
		try {
			// the tunnel's own event loop: the JVM-wide switch of the JDK's asynchronous
			// sockets is left as it was, for the application's own sockets
			System.clearProperty(PolledReads.PROPERTY);
			try (SshTunnel tunnel = new SshTunnel(echoSettings().build()).open();
					Socket socket = connect(tunnel.localPort("echo"))) {
				socket.getOutputStream().write(41);
				assertThat(socket.getInputStream().read()).isEqualTo(41);
				assertThat(System.getProperty(PolledReads.PROPERTY)).isNull();
			}
			System.setProperty(TunnelThreads.EVENT_LOOP_PROPERTY, "jdk");
			// the JDK's channel group, told to wait for data before each read
			try (SshTunnel tunnel = new SshTunnel(echoSettings().build()).open();
					Socket socket = connect(tunnel.localPort("echo"))) {
				assertThat(System.getProperty(PolledReads.PROPERTY)).isEqualTo("true");
				socket.getOutputStream().write(42);
				assertThat(socket.getInputStream().read()).isEqualTo(42);
			}
			// a JVM started with -Dsun.nio.ch.disableSynchronousRead=false keeps the
			// JDK's default
			System.setProperty(PolledReads.PROPERTY, "false");
			try (SshTunnel tunnel = new SshTunnel(echoSettings().build()).open();
					Socket socket = connect(tunnel.localPort("echo"))) {
				assertThat(System.getProperty(PolledReads.PROPERTY)).isEqualTo("false");
				socket.getOutputStream().write(43);
				assertThat(socket.getInputStream().read()).isEqualTo(43);
			}
		}
		finally {
			System.clearProperty(TunnelThreads.EVENT_LOOP_PROPERTY);
			if (before != null) {
				System.setProperty(PolledReads.PROPERTY, before);
			}
			else {
				System.clearProperty(PolledReads.PROPERTY);
			}
		}
	}

	@Test
	void preinitializeLeavesNoThreadsAndCanRunTwiceAndConcurrently() throws Exception {
		Thread background = new Thread(SshTunnel::preinitialize);
		background.start();
		SshTunnel.preinitialize();
		background.join(30_000);
		assertThat(background.isAlive()).isFalse();
		assertThat(SecurityUtils.isBouncyCastleRegistered()).isTrue();
		assertNoTunnelThreads();
		this.server.start();
		try (SshTunnel tunnel = new SshTunnel(echoSettings().build()).open();
				Socket socket = connect(tunnel.localPort("echo"))) {
			socket.getOutputStream().write(7);
			assertThat(socket.getInputStream().read()).isEqualTo(7);
		}
	}

	@Test
	void reKeysByCipherBlocksAsOpenSshDoesNotAfterEveryGibibyte() throws Exception {
		// only the client may start a re-key here: MINA's server has the same 1 GiB limit
		this.server.customize((sshd) -> CoreModuleProperties.REKEY_BYTES_LIMIT.set(sshd, 0L)).start();
		List<String> keyExchanges = new CopyOnWriteArrayList<>();
		SshClientCustomizer recorder = (client) -> client.addSessionListener(new SessionListener() {

			@Override
			public void sessionEvent(Session session, Event event) {
				if (event == Event.KeyEstablished) {
					keyExchanges.add(event.name());
				}
			}

		});
		long gibibyte = 1024L * 1024 * 1024;
		long sent = gibibyte + 64L * 1024 * 1024;
		try (SshTunnel tunnel = new SshTunnel(echoSettings().build(), List.of(recorder)).open();
				Socket socket = connect(tunnel.localPort("echo"))) {
			Thread reader = new Thread(() -> {
				try {
					socket.getInputStream().transferTo(OutputStream.nullOutputStream());
				}
				catch (IOException ex) {
					// the byte counts below fail the test
				}
			}, "echo-reader");
			reader.start();
			byte[] chunk = new byte[1024 * 1024];
			for (long written = 0; written < sent; written += chunk.length) {
				socket.getOutputStream().write(chunk);
			}
			socket.shutdownOutput();
			reader.join(60_000);
			assertThat(tunnel.state().forward("echo").bytesInbound()).isEqualTo(sent);
			// MINA's own default would have re-keyed after 1 GiB each way; with AES the
			// limit is 2^32 blocks (64 GiB), as in OpenSSH
			assertThat(keyExchanges).hasSize(1);
		}
	}

	@Test
	void carriesLargeTransfersIntactAndInOrder() throws Exception {
		this.server.start();
		byte[] payload = new byte[8 * 1024 * 1024 + 17];
		new Random(42).nextBytes(payload);
		List<Session> sessions = new CopyOnWriteArrayList<>();
		SshClientCustomizer recorder = (client) -> client.addSessionListener(new SessionListener() {

			@Override
			public void sessionCreated(Session session) {
				sessions.add(session);
			}

		});
		try (SshTunnel tunnel = new SshTunnel(echoSettings().build(), List.of(recorder)).open();
				Socket socket = connect(tunnel.localPort("echo"))) {
			// the echo's 32 KiB packets come back in reads of the SSH socket larger than
			// a slice, which MINA's decoder gets in slices (docs/performance.md, step 10)
			Nio2Session io = (Nio2Session) sessions.get(0).getIoSession();
			assertThat(io.getIoHandler().getClass().getSimpleName()).isEqualTo("SlicedReads");
			Thread writer = new Thread(() -> {
				try {
					socket.getOutputStream().write(payload);
					socket.shutdownOutput();
				}
				catch (IOException ex) {
					// the reader fails the test
				}
			});
			writer.start();
			byte[] echoed = socket.getInputStream().readAllBytes();
			writer.join(10_000);
			assertThat(echoed).hasSize(payload.length);
			assertThat(Arrays.mismatch(echoed, payload)).isEqualTo(-1);
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(
						() -> assertThat(tunnel.state().forward("echo").bytesOutbound()).isEqualTo(payload.length));
			assertThat(tunnel.state().forward("echo").bytesInbound()).isEqualTo(payload.length);
		}
	}

	@Test
	void refusedTargetClosesTheLocalConnectionAndCountsAFailure() throws Exception {
		this.server.start();
		int closedPort = freePort();
		List<String> failures = new CopyOnWriteArrayList<>();
		TunnelSettings settings = settings(this.server.port())
			.forward(new ForwardSettings("db", "127.0.0.1", 0, "127.0.0.1", closedPort))
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings)) {
			tunnel.addListener(new SshTunnelListener() {

				@Override
				public void connectionFailed(String forward, Exception cause) {
					failures.add(forward);
				}

			});
			tunnel.open();
			try (Socket socket = connect(tunnel.localPort("db"))) {
				assertThat(socket.getInputStream().read()).isEqualTo(-1);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> tunnel.state().forward("db").failedConnections() == 1);
			assertThat(tunnel.state().forward("db").openedConnections()).isZero();
			assertThat(failures).containsExactly("db");
			assertThat(tunnel.state().isUp()).isTrue();
		}
	}

	@Test
	void forwardingRefusedByTheServerCountsAFailure() throws Exception {
		this.server.refuseForwarding().start();
		try (SshTunnel tunnel = new SshTunnel(echoSettings().build()).open()) {
			try (Socket socket = connect(tunnel.localPort("echo"))) {
				assertThat(socket.getInputStream().read()).isEqualTo(-1);
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> tunnel.state().forward("echo").failedConnections() == 1);
		}
	}

	@Test
	void aChannelTheServerDoesNotOpenInTimeEndsThatConnectionOnly() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger asked = new AtomicInteger();
		// the first channel open is answered only once released: a server too busy to
		// open
		// a channel within connect-timeout
		this.server.customize((sshServer) -> sshServer.setForwardingFilter(new AcceptAllForwardingFilter() {

			@Override
			public boolean canConnect(TcpForwardingFilter.Type type, SshdSocketAddress address, Session session) {
				if (asked.incrementAndGet() == 1) {
					try {
						release.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				return true;
			}

		})).start();
		TunnelSettings settings = echoSettings().connectTimeout(Duration.ofMillis(500)).build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			long start = System.nanoTime();
			try (Socket socket = connect(tunnel.localPort("echo"))) {
				// closed by the tunnel once the bound passed, not left hanging
				assertThat(socket.getInputStream().read()).isEqualTo(-1);
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400),
					Duration.ofSeconds(5));
			await().atMost(Duration.ofSeconds(5)).until(() -> tunnel.state().forward("echo").failedConnections() == 1);
			release.countDown();
			// the bounds of later connections are kept, and do not end them once opened
			for (int i = 0; i < 3; i++) {
				assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "after " + i)).isEqualTo("after " + i);
			}
			try (Socket socket = connect(tunnel.localPort("echo"))) {
				long opened = System.nanoTime();
				socket.getOutputStream().write(7);
				assertThat(socket.getInputStream().read()).isEqualTo(7);
				// once the bound of this connection's open has passed, it still carries
				// bytes
				await().atMost(Duration.ofSeconds(5))
					.until(() -> System.nanoTime() - opened > Duration.ofMillis(800).toNanos());
				socket.getOutputStream().write(8);
				assertThat(socket.getInputStream().read()).isEqualTo(8);
			}
			assertThat(tunnel.state().forward("echo").failedConnections()).isEqualTo(1);
		}
	}

	@Test
	void reconnectsOnTheSameLocalPortAfterTheServerComesBack() throws Exception {
		this.server.start();
		TunnelSettings settings = echoSettings().keepalive(Duration.ofMillis(500), 2)
			.reconnect(true, Duration.ofMillis(200), Duration.ofSeconds(1))
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			int port = tunnel.localPort("echo");
			assertThat(TestTcpServer.exchange(port, "before")).isEqualTo("before");
			this.server.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> !tunnel.state().isUp());
			this.server.start();
			await().atMost(Duration.ofSeconds(15)).until(() -> tunnel.state().isUp());
			assertThat(tunnel.state().reconnects()).isEqualTo(1);
			assertThat(tunnel.localPort("echo")).isEqualTo(port);
			assertThat(TestTcpServer.exchange(port, "after")).isEqualTo("after");
		}
	}

	@Test
	void whileTheSessionIsDownNewConnectionsFailAtOnce() throws Exception {
		this.server.start();
		TunnelSettings settings = echoSettings().reconnect(false, Duration.ofSeconds(1), Duration.ofSeconds(1)).build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			this.server.stop();
			await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.state().status() == SessionStatus.DISCONNECTED);
			assertThat(tunnel.state().lastError()).contains("was lost");
			long start = System.nanoTime();
			try (Socket socket = connect(tunnel.localPort("echo"))) {
				socket.setSoTimeout(5000);
				InputStream in = socket.getInputStream();
				assertThat(in.read()).isEqualTo(-1);
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		}
	}

	@Test
	void withoutFailFastOpensWhileTheServerIsDownAndConnectsLater() throws Exception {
		this.server.start();
		this.server.stop();
		TunnelSettings settings = echoSettings().failFast(false)
			.reconnect(true, Duration.ofMillis(200), Duration.ofSeconds(1))
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			assertThat(tunnel.state().status()).isEqualTo(SessionStatus.DISCONNECTED);
			assertThat(tunnel.state().lastError()).contains("Could not connect");
			int port = tunnel.localPort("echo");
			assertThat(port).isPositive();
			this.server.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> tunnel.state().isUp());
			assertThat(tunnel.localPort("echo")).isEqualTo(port);
			assertThat(tunnel.state().reconnects()).isZero();
			assertThat(TestTcpServer.exchange(port, "late")).isEqualTo("late");
		}
	}

	@Test
	void closeDuringBackOffIsPrompt() throws Exception {
		int closedPort = freePort();
		TunnelSettings settings = settings(closedPort).failFast(false)
			.reconnect(true, Duration.ofSeconds(20), Duration.ofSeconds(60))
			.build();
		SshTunnel tunnel = new SshTunnel(settings).open();
		long start = System.nanoTime();
		tunnel.close();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		assertNoTunnelThreads();
	}

	private TunnelSettings.Builder settings(int port) {
		return TunnelSettings.builder("127.0.0.1")
			.port(port)
			.username("alice")
			.password("secret")
			.hostKey(this.server.hostKeyFingerprint())
			.connectTimeout(Duration.ofSeconds(3));
	}

	private TunnelSettings.Builder echoSettings() {
		return settings(this.server.port())
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.target.port()));
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		socket.setSoTimeout(10000);
		return socket;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

	static void assertNoTunnelThreads() {
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
				.extracting(Thread::getName)
				.noneMatch((name) -> name.startsWith("ssh-tunnel-") || name.startsWith("sshd-SshClient")));
	}

}

package io.github.sshtunnel.resilience;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 200 start/stop cycles of an application context with a tunnel (and one forwarded
 * connection each) leave no extra threads, no bound ports and no growth in open file
 * descriptors.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class LeakTests {

	private static final int CYCLES = 200;

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final TestTcpServer target = TestTcpServer.echo();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class))
		.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
				"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(),
				"ssh.tunnel.forwards.echo.remote-host=127.0.0.1",
				"ssh.tunnel.forwards.echo.remote-port=" + this.target.port());

	@AfterEach
	void stop() {
		this.server.close();
		this.target.close();
	}

	@Test
	void startStopCyclesLeaveNothingBehind() throws Exception {
		Set<Integer> ports = new HashSet<>();
		cycles(20, ports);
		awaitNoTunnelThreads();
		long threadsBefore = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count();
		long descriptorsBefore = openFileDescriptors();
		long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
		cycles(CYCLES, ports);
		assertThat(System.nanoTime()).as("200 cycles within 3 minutes").isLessThan(deadline);
		awaitNoTunnelThreads();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.activeSessions() == 0);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(
					() -> assertThat(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).count())
						.isLessThanOrEqualTo(threadsBefore + 2));
		for (int port : ports) {
			try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
				assertThat(socket.getLocalPort()).isEqualTo(port);
			}
		}
		if (descriptorsBefore >= 0) {
			// a small allowance for the JVM (class files, JIT); a leak of one per cycle
			// would be 200
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(openFileDescriptors()).isLessThanOrEqualTo(descriptorsBefore + 10));
		}
	}

	private void cycles(int count, Set<Integer> ports) {
		for (int i = 0; i < count; i++) {
			this.contextRunner.run((context) -> {
				assertThat(context).hasNotFailed();
				int port = context.getBean(SshTunnel.class).localPort("echo");
				ports.add(port);
				assertThat(TestTcpServer.exchange(port, "cycle")).isEqualTo("cycle");
			});
		}
	}

	private static void awaitNoTunnelThreads() {
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive)
				.extracting(Thread::getName)
				.noneMatch((name) -> name.startsWith("ssh-tunnel-") || name.startsWith("sshd-SshClient")));
	}

	private static long openFileDescriptors() throws IOException {
		Path fds = Path.of("/proc/self/fd");
		if (!Files.isDirectory(fds)) {
			return -1;
		}
		try (Stream<Path> list = Files.list(fds)) {
			return list.count();
		}
	}

}

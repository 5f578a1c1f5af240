package io.github.sshtunnel.core;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.TestCertificates;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Every {@link Reason}, driven by its real condition: a new reason without a scenario
 * here fails this test. The tunnel classifies failures by MINA's types and disconnect
 * codes, not by message text, so each scenario makes the failure happen for real.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelReasonTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	@TempDir
	Path temp;

	private final TestTcpServer target = TestTcpServer.echo();

	private final List<AutoCloseable> peers = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() throws Exception {
		for (AutoCloseable peer : this.peers) {
			peer.close();
		}
		this.target.close();
	}

	@ParameterizedTest
	@EnumSource(Reason.class)
	void everyReasonComesFromItsRealCondition(Reason reason) throws Exception {
		SshTunnelException failure = switch (reason) {
			case INVALID_CONFIGURATION -> catchThrowableOfType(SshTunnelException.class,
					() -> TunnelSettings.builder("127.0.0.1")
						.forward(new ForwardSettings("db", "127.0.0.1", 0, "127.0.0.1", 70000))
						.build());
			case CONNECT_FAILED -> openFails(builder(closedPort()));
			case CONNECT_TIMEOUT -> openFails(builder(silentServer()));
			case AUTHENTICATION_FAILED -> {
				TestSshServer server = server(TestSshServer.ECDSA);
				yield openFails(builder(server.port()).password("wrong").hostKey(server.hostKeyFingerprint()));
			}
			case HOST_KEY_UNKNOWN -> {
				TestSshServer server = server(TestSshServer.ECDSA);
				yield openFails(
						builder(server.port()).hostKey(null).knownHosts(Files.createFile(this.temp.resolve("empty"))));
			}
			case HOST_KEY_CHANGED -> {
				TestSshServer server = server(TestSshServer.ECDSA);
				TestSshServer impostor = TestSshServer.withPassword("alice", "secret");
				yield openFails(builder(server.port()).hostKey(impostor.hostKeyFingerprint()));
			}
			case HOST_KEY_REVOKED -> {
				TestSshServer server = server(TestSshServer.ECDSA);
				Path knownHosts = this.temp.resolve("revoked");
				Files.writeString(knownHosts, "@revoked * " + server.hostKeyLine() + "\n");
				yield openFails(builder(server.port()).hostKey(null).knownHosts(knownHosts));
			}
			case HOST_CERTIFICATE_INVALID -> {
				// a host certificate of a trusted CA, for another host name
				TestSshServer server = TestSshServer.withPassword("alice", "secret").hostKeyType(TestSshServer.ECDSA);
				KeyPair ca = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
				OpenSshCertificate certificate = OpenSshCertificateBuilder.hostCertificate()
					.publicKey(server.hostKey())
					.id("test-host")
					.principals(List.of("db.example.com"))
					.sign(ca);
				server.customize((sshd) -> sshd.setHostKeyCertificateProvider((session) -> List.of(certificate)));
				this.peers.add(server.start());
				Path knownHosts = this.temp.resolve("cert-authority");
				Files.writeString(knownHosts, "@cert-authority * " + PublicKeyEntry.toString(ca.getPublic()) + "\n");
				yield openFails(builder(server.port()).hostKey(null).knownHosts(knownHosts));
			}
			case HOST_KEY_WEAK -> {
				TestSshServer server = server(TestSshServer.RSA_1024);
				yield openFails(builder(server.port()).hostKey(server.hostKeyFingerprint()));
			}
			case KNOWN_HOSTS_UNREADABLE -> openFails(builder(closedPort()).hostKey(null).knownHosts(this.temp));
			case KEY_UNREADABLE ->
				openFails(builder(closedPort()).privateKey(PrivateKeySource.ofPath(this.temp.resolve("missing_key"))));
			case KEY_INVALID -> openFails(builder(closedPort())
				.privateKey(PrivateKeySource.ofPath(KeyFixtures.DIRECTORY.resolve("not_a_key"))));
			case AGENT_UNAVAILABLE -> openFails(builder(closedPort()).identityAgent(silentAgent().toString()));
			case CERTIFICATE_INVALID -> openFails(builder(closedPort())
				.privateKey(PrivateKeySource.ofPath(KeyFixtures.DIRECTORY.resolve("ed25519_openssh")))
				.certificate(CertificateSource
					.ofText(TestCertificates.line(TestCertificates.sign(OpenSshCertificate.Type.USER,
							TestCertificates.fixturePublicKey("ed25519_openssh"), List.of("alice"),
							Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-02T00:00:00Z"))))));
			case LOCAL_PORT_IN_USE -> {
				ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
				this.peers.add(busy);
				TunnelSettings.Builder builder = TunnelSettings.builder("127.0.0.1")
					.port(closedPort())
					.username("alice")
					.password("secret")
					.hostKey("SHA256:gmF5J0jtd3JCdn+07GPe2K5ZF3Tfivd06hR+EB9+rAc")
					.forward(new ForwardSettings("db", "127.0.0.1", busy.getLocalPort(), "127.0.0.1", 5432));
				yield openFails(builder);
			}
			case SESSION_LOST -> sessionLost();
			case HANDSHAKE_DROPPED -> openFails(builder(droppingServer()));
			case SSH_ERROR -> openFails(builder(serverSaying("SSH-1.5-AncientServer\r\n")));
		};
		if (failure == null) {
			fail("No failure for " + reason);
		}
		assertThat(failure.getReason()).as(failure.getMessage()).isEqualTo(reason);
		assertThat(failure.getMessage()).isNotBlank().doesNotContain("secret").doesNotContain("wrong");
		assertThat(failure.getAction()).isNotBlank();
	}

	/**
	 * An agent socket that accepts connections (the kernel's backlog) and never answers.
	 */
	private Path silentAgent() throws IOException {
		Path socket = this.temp.resolve("silent-agent.sock");
		ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		agent.bind(UnixDomainSocketAddress.of(socket));
		this.peers.add(agent);
		return socket;
	}

	private SshTunnelException sessionLost() throws Exception {
		TestSshServer server = server(TestSshServer.ECDSA);
		List<SshTunnelException> causes = new CopyOnWriteArrayList<>();
		try (SshTunnel tunnel = new SshTunnel(builder(server.port()).hostKey(server.hostKeyFingerprint())
			.reconnect(false, Duration.ofSeconds(1), Duration.ofSeconds(1))
			.build()).open()) {
			tunnel.addListener(listener((cause) -> causes.add(cause)));
			server.stop();
			await().atMost(Duration.ofSeconds(5)).until(() -> !causes.isEmpty());
		}
		return causes.get(0);
	}

	private static SshTunnelListener listener(Consumer<SshTunnelException> disconnected) {
		return new SshTunnelListener() {

			@Override
			public void disconnected(TunnelState state, SshTunnelException cause) {
				if (cause != null) {
					disconnected.accept(cause);
				}
			}

		};
	}

	private static SshTunnelException openFails(TunnelSettings.Builder builder) {
		SshTunnelException failure = catchThrowableOfType(SshTunnelException.class,
				() -> new SshTunnel(builder.build()).open());
		assertThat(failure).as("open() must fail").isNotNull();
		return failure;
	}

	private TunnelSettings.Builder builder(int port) {
		return TunnelSettings.builder("127.0.0.1")
			.port(port)
			.username("alice")
			.password("secret")
			.hostKey("SHA256:gmF5J0jtd3JCdn+07GPe2K5ZF3Tfivd06hR+EB9+rAc")
			.connectTimeout(TIMEOUT)
			.forward(ForwardSettings.of("echo", this.target.port()));
	}

	private TestSshServer server(String hostKeyType) {
		TestSshServer server = TestSshServer.withPassword("alice", "secret").hostKeyType(hostKeyType).start();
		this.peers.add(server);
		return server;
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

	/**
	 * A server that accepts and never says a word.
	 */
	private int silentServer() throws IOException {
		return server((socket) -> {
			try {
				socket.getInputStream().readAllBytes();
			}
			catch (IOException ex) {
				// closed by the test
			}
		});
	}

	/**
	 * A server that accepts and closes at once, as sshd past MaxStartups does.
	 */
	private int droppingServer() throws IOException {
		return server((socket) -> {
		});
	}

	private int serverSaying(String text) throws IOException {
		return server((socket) -> {
			try {
				OutputStream out = socket.getOutputStream();
				out.write(text.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				socket.getInputStream().readAllBytes();
			}
			catch (IOException ex) {
				// closed by the client
			}
		});
	}

	private int server(Consumer<Socket> conversation) throws IOException {
		ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
		this.peers.add(server);
		Thread acceptor = new Thread(() -> {
			while (!server.isClosed()) {
				try (Socket socket = server.accept()) {
					socket.setSoTimeout((int) TIMEOUT.multipliedBy(3).toMillis());
					conversation.accept(socket);
				}
				catch (IOException ex) {
					return;
				}
			}
		}, "reason-test-server");
		acceptor.setDaemon(true);
		acceptor.start();
		return server.getLocalPort();
	}

}

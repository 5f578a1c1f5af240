package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests that the test harness works: the key fixtures, {@link Peers},
 * {@link TestSshServer} and {@link OpenSshServer}, the servers also against the real
 * OpenSSH {@code ssh} client.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class TestSupportTests {

	private static final Path KEYS = Path.of("src/test/resources/keys");

	private static final String PASSPHRASE = "test-passphrase";

	private static final Duration SSH_TIMEOUT = Duration.ofSeconds(10);

	@TempDir
	Path temp;

	@ParameterizedTest(name = "{0}")
	@MethodSource("io.github.sshtunnel.testsupport.KeyFixtures#all")
	void keyFixtureMatchesItsPublicKey(String key) throws Exception {
		Path file = KEYS.resolve(key);
		FilePasswordProvider passwords = key.endsWith("_encrypted") ? FilePasswordProvider.of(PASSPHRASE)
				: FilePasswordProvider.EMPTY;
		List<KeyPair> pairs = new ArrayList<>();
		try (InputStream in = Files.newInputStream(file)) {
			SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in, passwords).forEach(pairs::add);
		}
		PublicKey expected = AuthorizedKeyEntry.readAuthorizedKeys(KEYS.resolve(key + ".pub"))
			.get(0)
			.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
		assertThat(pairs).hasSize(1);
		assertThat(KeyUtils.compareKeys(pairs.get(0).getPublic(), expected)).isTrue();
	}

	@Test
	void notAKeyFixtureHoldsNoKey() throws Exception {
		Path file = KEYS.resolve("not_a_key");
		try (InputStream in = Files.newInputStream(file)) {
			assertThat(
					SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in, FilePasswordProvider.EMPTY))
				.isNullOrEmpty();
		}
	}

	@Test
	void peersRequireGoesOnWhenAvailable() {
		// an abort would only skip this test: catch it, so that it fails
		assertThatCode(() -> Peers.require(true, "something")).doesNotThrowAnyException();
	}

	@Test
	void peersRequireFailsOrSkipsWhenMissing() {
		assertThatThrownBy(() -> Peers.require(false, "The moon"))
			.isInstanceOf(Peers.mandatory() ? AssertionError.class : TestAbortedException.class)
			.hasMessageStartingWith("The moon is ");
	}

	@Test
	void testSshServerRestartsOnSamePort() throws Exception {
		try (TestSshServer server = TestSshServer.withPassword("alice", "secret").start()) {
			int port = server.port();
			String fingerprint = server.hostKeyFingerprint();
			assertThat(port).isPositive();
			assertThat(banner(port)).startsWith("SSH-2.0-");
			server.stop();
			assertThat(server.isRunning()).isFalse();
			assertThat(accepting(port)).isFalse();
			server.restart();
			assertThat(server.port()).isEqualTo(port);
			assertThat(server.hostKeyFingerprint()).isEqualTo(fingerprint);
			assertThat(banner(port)).startsWith("SSH-2.0-");
		}
	}

	@Test
	void testSshServerStopDropsSessions() throws Exception {
		try (TestSshServer server = TestSshServer.withPassword("alice", "secret").start();
				SshClient client = SshClient.setUpDefaultClient()) {
			client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
			client.start();
			try (ClientSession session = client.connect("alice", "127.0.0.1", server.port())
				.verify(Duration.ofSeconds(5))
				.getSession()) {
				session.addPasswordIdentity("secret");
				session.auth().verify(Duration.ofSeconds(5));
				await().atMost(Duration.ofSeconds(5)).until(() -> server.activeSessions() == 1);
				server.stop();
				assertThat(server.activeSessions()).isZero();
				await().atMost(Duration.ofSeconds(5)).until(() -> !session.isOpen());
			}
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { TestSshServer.ECDSA, TestSshServer.ED25519, TestSshServer.RSA })
	void testSshServerHostKeyTypes(String type) throws Exception {
		try (TestSshServer server = TestSshServer.withKeysOnly("alice").hostKeyType(type).start()) {
			String expectedKeyType = switch (type) {
				case TestSshServer.ECDSA -> "ecdsa-sha2-nistp256";
				case TestSshServer.ED25519 -> "ssh-ed25519";
				default -> "ssh-rsa";
			};
			assertThat(Files.size(server.hostKeyFile())).isPositive();
			assertThat(server.knownHostsLine())
				.startsWith("[127.0.0.1]:" + server.port() + " " + expectedKeyType + " ");
			assertThat(server.hostKeyFingerprint()).startsWith("SHA256:")
				.isEqualTo(KeyUtils.getFingerPrint(BuiltinDigests.sha256, server.hostKey()));
			assertThat(banner(server.port())).startsWith("SSH-2.0-");
		}
	}

	@ParameterizedTest(name = "host key {0}")
	@ValueSource(strings = { TestSshServer.ECDSA, TestSshServer.ED25519, TestSshServer.RSA })
	void sshClientLogsInToTestSshServerWithKey(String hostKeyType) throws Exception {
		Peers.require(Peers.sshClientAvailable(), "OpenSSH ssh client");
		try (TestSshServer server = TestSshServer.withKeysOnly("alice")
			.hostKeyType(hostKeyType)
			.authorize(KEYS.resolve("ed25519_openssh.pub"))
			.start()) {
			Path knownHosts = server.writeKnownHosts(this.temp.resolve("known_hosts"));
			SshResult result = ssh("ed25519_openssh", knownHosts, server.port(), "alice");
			assertThat(result.exitCode()).as(result.output()).isZero();
			await().atMost(Duration.ofSeconds(5)).until(() -> server.activeSessions() == 0);
		}
	}

	@Test
	void sshClientIsRefusedByTestSshServerWithKeyThatIsNotAuthorized() throws Exception {
		Peers.require(Peers.sshClientAvailable(), "OpenSSH ssh client");
		try (TestSshServer server = TestSshServer.withKeysOnly("alice")
			.authorize(KEYS.resolve("rsa_openssh.pub"))
			.start()) {
			Path knownHosts = server.writeKnownHosts(this.temp.resolve("known_hosts"));
			SshResult result = ssh("ed25519_openssh", knownHosts, server.port(), "alice");
			assertThat(result.exitCode()).as(result.output()).isEqualTo(255);
			assertThat(result.output()).contains("Permission denied");
		}
	}

	@Test
	void openSshServerStartsAndAcceptsConnections() throws Exception {
		Peers.require(Peers.sshdAvailable(), "OpenSSH sshd");
		try (OpenSshServer sshd = new OpenSshServer()) {
			sshd.start();
			int port = sshd.port();
			assertThat(sshd.isRunning()).isTrue();
			assertThat(banner(port)).as(sshd.log()).startsWith("SSH-2.0-OpenSSH_");
			assertThat(sshd.hostKeyPublicLine()).startsWith("ssh-ed25519 AAAA");
			sshd.stop();
			assertThat(sshd.isRunning()).isFalse();
			assertThat(accepting(port)).isFalse();
			sshd.restart();
			assertThat(sshd.port()).isEqualTo(port);
			assertThat(banner(port)).as(sshd.log()).startsWith("SSH-2.0-OpenSSH_");
		}
	}

	@ParameterizedTest(name = "hashed known_hosts {0}")
	@ValueSource(booleans = { false, true })
	void sshClientLogsInToOpenSshServer(boolean hashed) throws Exception {
		Peers.require(Peers.sshdAvailable(), "OpenSSH sshd");
		Peers.require(Peers.sshClientAvailable(), "OpenSSH ssh client");
		try (OpenSshServer sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start()) {
			Path knownHosts = sshd.writeKnownHosts(this.temp.resolve("known_hosts"), hashed);
			assertThat(Files.readString(knownHosts).startsWith("|1|")).isEqualTo(hashed);
			assertThat(Path.of(knownHosts + ".old")).doesNotExist();
			SshResult result = ssh("ed25519_openssh", knownHosts, sshd.port(), sshd.user());
			assertThat(result.exitCode()).as(() -> result.output() + "\n" + sshd.log()).isZero();
		}
	}

	@Test
	void openSshServerPresentsChangedHostKeyAfterReplaceHostKey() throws Exception {
		Peers.require(Peers.sshdAvailable(), "OpenSSH sshd");
		Peers.require(Peers.sshClientAvailable(), "OpenSSH ssh client");
		try (OpenSshServer sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start()) {
			Path knownHosts = sshd.writeKnownHosts(this.temp.resolve("known_hosts"), false);
			String before = sshd.hostKeyPublicLine();
			sshd.stop();
			sshd.replaceHostKey();
			sshd.start();
			assertThat(sshd.hostKeyPublicLine()).isNotEqualTo(before);
			SshResult result = ssh("ed25519_openssh", knownHosts, sshd.port(), sshd.user());
			assertThat(result.exitCode()).as(result.output()).isEqualTo(255);
			assertThat(result.output()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
		}
	}

	private SshResult ssh(String key, Path knownHosts, int port, String user) throws IOException, InterruptedException {
		// git does not keep 0600, and ssh ignores a private key that others may read
		Path identity = Files.copy(KEYS.resolve(key), this.temp.resolve(key));
		Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rw-------"));
		Path output = this.temp.resolve("ssh-" + System.nanoTime() + ".log");
		Process process = new ProcessBuilder("ssh", "-F", "none", "-T", "-i", identity.toString(), "-o",
				"IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "UserKnownHostsFile=" + knownHosts, "-o",
				"GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o",
				"ConnectTimeout=5", "-p", Integer.toString(port), user + "@127.0.0.1", "true")
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
			.start();
		try {
			if (!process.waitFor(SSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				throw new AssertionError("ssh did not finish within " + SSH_TIMEOUT + ":\n" + Files.readString(output));
			}
			return new SshResult(process.exitValue(), Files.readString(output));
		}
		finally {
			Files.deleteIfExists(identity);
		}
	}

	private static String banner(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			socket.setSoTimeout(5000);
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
				line.append((char) b);
			}
			return line.toString().trim();
		}
	}

	private static boolean accepting(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private record SshResult(int exitCode, String output) {
	}

}

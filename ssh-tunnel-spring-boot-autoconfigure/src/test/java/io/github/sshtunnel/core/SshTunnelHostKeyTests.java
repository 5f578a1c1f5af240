package io.github.sshtunnel.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;

import org.apache.sshd.client.config.hosts.KnownHostHashValue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for host-key checking against an in-process MINA SSH server.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelHostKeyTests {

	@TempDir
	Path temp;

	private TestSshServer server;

	@BeforeEach
	void start() {
		this.server = TestSshServer.withPassword("alice", "secret").start();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void acceptsKeyFromKnownHosts() {
		Path knownHosts = this.server.writeKnownHosts(this.temp.resolve("known_hosts"));
		try (SshTunnel tunnel = new SshTunnel(settings().knownHosts(knownHosts).build()).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
			assertThat(tunnel.state().hostKeyFingerprint()).isEqualTo(this.server.hostKeyFingerprint());
		}
	}

	@Test
	void refusesUnknownHostKeyNamingTheProperties() throws Exception {
		Path knownHosts = Files.writeString(this.temp.resolve("known_hosts"), "");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_UNKNOWN);
				assertThat(ex.getMessage()).contains("[127.0.0.1]:" + this.server.port())
					.contains(this.server.hostKeyFingerprint())
					.contains("is not in known_hosts file " + knownHosts);
				assertThat(ex.getAction()).contains("ssh.tunnel.known-hosts").contains("ssh.tunnel.host-key");
			});
		assertThat(Files.readString(knownHosts)).isEmpty();
	}

	@Test
	void refusesWhenKnownHostsFileIsMissing() {
		Path knownHosts = this.temp.resolve("missing/known_hosts");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_UNKNOWN);
				assertThat(ex.getMessage()).contains("does not exist");
			});
	}

	@Test
	void refusesChangedHostKeyWarningOfManInTheMiddle() throws Exception {
		TestSshServer impostor = TestSshServer.withPassword("alice", "secret").hostKeyType("ecdsa");
		Path knownHosts = this.temp.resolve("known_hosts");
		Files.writeString(knownHosts, "[127.0.0.1]:" + this.server.port() + " " + impostor.hostKeyLine() + "\n");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_CHANGED);
				assertThat(ex.getMessage()).contains("has CHANGED")
					.contains("man-in-the-middle")
					.contains(impostor.hostKeyFingerprint())
					.contains(this.server.hostKeyFingerprint());
				assertThat(ex.getAction()).contains("ssh-keygen -R").contains("ssh.tunnel.known-hosts");
			});
	}

	@Test
	void acceptNewTrustsOnFirstUseAndRecordsTheKey() throws Exception {
		Path knownHosts = this.temp.resolve("new/known_hosts");
		TunnelSettings settings = settings().knownHosts(knownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
		assertThat(Files.readString(knownHosts)).contains("[127.0.0.1]:" + this.server.port());
		// the recorded key is now enforced: strict checking accepts it
		try (SshTunnel tunnel = new SshTunnel(settings().knownHosts(knownHosts).build()).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
	}

	@Test
	void acceptNewStillRefusesChangedKey() throws Exception {
		TestSshServer impostor = TestSshServer.withPassword("alice", "secret").hostKeyType("ecdsa");
		Path knownHosts = this.temp.resolve("known_hosts");
		Files.writeString(knownHosts, "[127.0.0.1]:" + this.server.port() + " " + impostor.hostKeyLine() + "\n");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(
					settings().knownHosts(knownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build())
				.open())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_CHANGED));
	}

	@Test
	void noCheckingAcceptsAnyKey() {
		TunnelSettings settings = settings().knownHosts(this.temp.resolve("none"))
			.hostKeyChecking(HostKeyChecking.NO)
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
		assertThat(this.temp.resolve("none")).doesNotExist();
	}

	@Test
	void pinnedFingerprintAndPublicKeyLineAreAccepted() {
		for (String pin : new String[] { this.server.hostKeyFingerprint(), this.server.hostKeyLine(),
				this.server.knownHostsLine() }) {
			try (SshTunnel tunnel = new SshTunnel(settings().hostKey(pin).build()).open()) {
				assertThat(tunnel.state().isUp()).as(pin).isTrue();
			}
		}
	}

	@Test
	void pinnedKeyMismatchIsRefusedAsChanged() {
		TestSshServer impostor = TestSshServer.withPassword("alice", "secret").hostKeyType("ed25519");
		for (String pin : new String[] { impostor.hostKeyFingerprint(), impostor.hostKeyLine() }) {
			assertThatExceptionOfType(SshTunnelException.class)
				.isThrownBy(() -> new SshTunnel(settings().hostKey(pin).build()).open())
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_CHANGED);
					assertThat(ex.getMessage()).contains("man-in-the-middle");
					assertThat(ex.getAction()).contains("ssh.tunnel.host-key");
				});
		}
	}

	@Test
	void invalidPinIsAConfigurationError() {
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().hostKey("not a key").build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.INVALID_CONFIGURATION);
				assertThat(ex.getMessage()).contains("ssh.tunnel.host-key");
			});
	}

	// Finding 1: host names are matched case-insensitively, also against hashed entries

	@Test
	void hashedEntryMatchesHostNameInAnyCase() throws Exception {
		Path knownHosts = Files.writeString(this.temp.resolve("known_hosts"),
				hashed("localhost", this.server.port()) + " " + this.server.hostKeyLine() + "\n");
		try (SshTunnel tunnel = new SshTunnel(settings("LocalHost").knownHosts(knownHosts).build()).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
	}

	@Test
	void acceptNewRefusesOtherKeyForHashedEntryInOtherCase() throws Exception {
		TestSshServer genuine = TestSshServer.withPassword("alice", "secret").hostKeyType("ed25519");
		String content = hashed("localhost", this.server.port()) + " " + genuine.hostKeyLine() + "\n";
		Path knownHosts = Files.writeString(this.temp.resolve("known_hosts"), content);
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(
					settings("LocalHost").knownHosts(knownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build())
				.open())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_CHANGED));
		assertThat(Files.readString(knownHosts)).isEqualTo(content);
	}

	@Test
	void acceptNewRecordsHostNameInLowerCase() throws Exception {
		Path knownHosts = this.temp.resolve("known_hosts");
		try (SshTunnel tunnel = new SshTunnel(
				settings("LocalHost").knownHosts(knownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build())
			.open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
		assertThat(Files.readString(knownHosts))
			.isEqualTo("[localhost]:" + this.server.port() + " " + this.server.hostKeyLine() + "\n");
		try (SshTunnel tunnel = new SshTunnel(settings("LOCALHOST").knownHosts(knownHosts).build()).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
	}

	// Finding 3: unknown or mis-cased markers are skipped with a warning, never trusted

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void unknownOrMisCasedMarkersAreSkippedNotTrusted(CapturedOutput output) throws Exception {
		for (String marker : new String[] { "@REVOKED", "@foo", "@Cert-Authority" }) {
			Path knownHosts = Files.writeString(this.temp.resolve("known_hosts" + marker),
					"# comment\n" + marker + " " + this.server.knownHostsLine() + "\n");
			assertThatExceptionOfType(SshTunnelException.class)
				.isThrownBy(() -> new SshTunnel(settings().knownHosts(knownHosts).build()).open())
				.satisfies((ex) -> assertThat(ex.getReason()).as(marker).isEqualTo(Reason.HOST_KEY_UNKNOWN));
			assertThat(output).contains(knownHosts + ":2").contains("unknown marker");
		}
	}

	// Finding 4: a known_hosts file that holds a private key is refused without showing
	// it

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void refusesKnownHostsFileThatHoldsAPrivateKey(CapturedOutput output) throws Exception {
		for (String fixture : new String[] { "ed25519_openssh", "rsa_pem", "ecdsa_pkcs8" }) {
			Path key = KeyFixtures.DIRECTORY.resolve(fixture);
			assertThatExceptionOfType(SshTunnelException.class)
				.isThrownBy(() -> new SshTunnel(settings().knownHosts(key).build()).open())
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(Reason.KNOWN_HOSTS_UNREADABLE);
					assertThat(ex.getMessage()).contains(key.toString()).contains("private key");
					assertThat(ex.getAction()).contains("ssh.tunnel.known-hosts");
					assertNoKeyMaterial(key, ex.getMessage() + ex.getAction());
				});
			assertNoKeyMaterial(key, output.getAll());
		}
	}

	@Test
	void refusesKnownHostsFileLargerThanTheBound() throws Exception {
		Path knownHosts = this.temp.resolve("known_hosts");
		String line = this.server.knownHostsLine() + "\n";
		try (var writer = Files.newBufferedWriter(knownHosts)) {
			for (long written = 0; written <= 9 * 1024 * 1024; written += line.length()) {
				writer.write(line);
			}
		}
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.KNOWN_HOSTS_UNREADABLE);
				assertThat(ex.getMessage()).contains(knownHosts.toString()).contains("larger than");
				assertThat(ex.getAction()).contains("ssh.tunnel.known-hosts");
			});
	}

	// Finding 6: accept-new writes like OpenSSH

	@Test
	void acceptNewCreatesDirectoryAndFileForTheOwnerOnly() throws Exception {
		Path knownHosts = this.temp.resolve("home/.ssh/known_hosts");
		Files.createDirectories(knownHosts.getParent().getParent());
		try (SshTunnel tunnel = new SshTunnel(
				settings().knownHosts(knownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build())
			.open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts.getParent())))
			.isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(knownHosts))).isEqualTo("rw-------");
	}

	@Test
	void acceptNewRefusesToAppendToAFileThatIsNotKnownHosts() throws Exception {
		String content = "spring.datasource.url=jdbc:postgresql://localhost/app\nspring.datasource.username=app\n";
		Path notKnownHosts = Files.writeString(this.temp.resolve("application.properties"), content);
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(
					settings().knownHosts(notKnownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build())
				.open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.KNOWN_HOSTS_UNREADABLE);
				assertThat(ex.getMessage()).contains(notKnownHosts.toString()).contains("not a known_hosts file");
				assertThat(ex.getAction()).contains("ssh.tunnel.known-hosts");
			});
		assertThat(Files.readString(notKnownHosts)).isEqualTo(content);
	}

	@Test
	void acceptNewAppendsACompleteLineAfterAnUnterminatedLastLine() throws Exception {
		TestSshServer other = TestSshServer.withPassword("alice", "secret").hostKeyType("ed25519");
		String existing = "[127.0.0.1]:1 " + other.hostKeyLine();
		Path knownHosts = Files.writeString(this.temp.resolve("known_hosts"), existing);
		try (SshTunnel tunnel = new SshTunnel(
				settings().knownHosts(knownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build())
			.open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
		assertThat(Files.readString(knownHosts)).isEqualTo(existing + "\n" + this.server.knownHostsLine() + "\n");
	}

	// Finding 7: weak RSA host keys are refused

	@Test
	void refusesRsaHostKeyShorterThan2048Bits() {
		try (TestSshServer weak = TestSshServer.withPassword("alice", "secret").hostKeyType(TestSshServer.RSA_1024)) {
			weak.start();
			TunnelSettings settings = TunnelSettings.builder("127.0.0.1")
				.port(weak.port())
				.username("alice")
				.password("secret")
				.connectTimeout(Duration.ofSeconds(5))
				.hostKey(weak.hostKeyFingerprint())
				.build();
			assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_WEAK);
					assertThat(ex.getMessage()).contains("1024").contains("2048");
				});
		}
	}

	private static void assertNoKeyMaterial(Path key, String text) throws Exception {
		for (String line : Files.readAllLines(key)) {
			if (!line.startsWith("-----") && line.length() > 16) {
				assertThat(text).doesNotContain(line.substring(0, 16));
			}
		}
	}

	private static String hashed(String host, int port) throws Exception {
		byte[] salt = new byte[20];
		new SecureRandom().nextBytes(salt);
		byte[] hash = KnownHostHashValue.calculateHashValue(host, port, KnownHostHashValue.DEFAULT_DIGEST, salt);
		return KnownHostHashValue.append(new StringBuilder(), KnownHostHashValue.DEFAULT_DIGEST, salt, hash).toString();
	}

	private TunnelSettings.Builder settings(String host) {
		return TunnelSettings.builder(host)
			.port(this.server.port())
			.username("alice")
			.password("secret")
			.connectTimeout(Duration.ofSeconds(5));
	}

	private TunnelSettings.Builder settings() {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.server.port())
			.username("alice")
			.password("secret")
			.connectTimeout(Duration.ofSeconds(5));
	}

}

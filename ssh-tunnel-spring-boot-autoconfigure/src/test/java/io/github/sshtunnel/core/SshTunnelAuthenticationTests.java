package io.github.sshtunnel.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for logging in with a password and with every supported key type and format,
 * against an in-process MINA SSH server.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelAuthenticationTests {

	static final Path KEYS = Path.of("src/test/resources/keys");

	static final String PASSPHRASE = "test-passphrase";

	private final TestTcpServer target = TestTcpServer.echo();

	private TestSshServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
		this.target.close();
	}

	@Test
	void logsInWithPassword() throws Exception {
		this.server = TestSshServer.withPassword("alice", "secret").start();
		try (SshTunnel tunnel = new SshTunnel(settings().password("secret").build()).open()) {
			assertForwards(tunnel);
		}
	}

	@Test
	void refusesRsaKeyShorterThan2048Bits() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(1024);
		KeyPair weak = generator.generateKeyPair();
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(weak.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		this.server = TestSshServer.withKeysOnly("alice").authorize(weak.getPublic()).start();
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().privateKey(PrivateKeySource.ofPem(pem)).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.KEY_INVALID);
				assertThat(ex.getMessage()).contains("RSA").contains("1024").contains("2048");
				assertThat(ex.getAction()).contains("ssh.tunnel.private-key").contains("ssh-keygen");
			});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("io.github.sshtunnel.testsupport.KeyFixtures#all")
	void logsInWithKey(String key) throws Exception {
		this.server = TestSshServer.withKeysOnly("alice").authorize(KEYS.resolve(key + ".pub")).start();
		TunnelSettings.Builder builder = settings().privateKey(PrivateKeySource.ofPath(KEYS.resolve(key)));
		if (key.endsWith("_encrypted")) {
			builder.privateKeyPassphrase(PASSPHRASE);
		}
		try (SshTunnel tunnel = new SshTunnel(builder.build()).open()) {
			assertForwards(tunnel);
		}
	}

	@Test
	void logsInWithInlinePemKey() throws Exception {
		this.server = TestSshServer.withKeysOnly("alice").authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		String pem = java.nio.file.Files.readString(KEYS.resolve("ed25519_openssh"));
		try (SshTunnel tunnel = new SshTunnel(settings().privateKey(PrivateKeySource.ofPem(pem)).build()).open()) {
			assertForwards(tunnel);
		}
	}

	@Test
	void refusesWrongPasswordWithoutShowingIt() {
		this.server = TestSshServer.withPassword("alice", "secret").start();
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().password("wrong-password-123").build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
				assertThat(ex.getMessage()).contains("refused authentication of user 'alice'");
				assertThat(ex.getAction()).contains("ssh.tunnel.username").contains("ssh.tunnel.password");
				assertNoSecret(ex, "wrong-password-123");
			});
	}

	@Test
	void refusesKeyTheServerDoesNotKnow() {
		this.server = TestSshServer.withKeysOnly("alice").authorize(KEYS.resolve("rsa_openssh.pub")).start();
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(
					settings().privateKey(PrivateKeySource.ofPath(KEYS.resolve("ed25519_openssh"))).build())
				.open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
				assertThat(ex.getMessage()).contains("publickey from");
			});
	}

	@Test
	void wrongPassphraseIsReportedWithoutShowingIt() {
		this.server = TestSshServer.withKeysOnly("alice").start();
		for (String key : new String[] { "ed25519_openssh_encrypted", "ecdsa_pkcs8_encrypted", "rsa_pem_encrypted" }) {
			assertThatExceptionOfType(SshTunnelException.class)
				.isThrownBy(() -> new SshTunnel(settings().privateKey(PrivateKeySource.ofPath(KEYS.resolve(key)))
					.privateKeyPassphrase("not-the-passphrase")
					.build()).open())
				.satisfies((ex) -> {
					assertThat(ex.getReason()).as(key).isEqualTo(Reason.KEY_INVALID);
					assertThat(ex.getMessage()).as(key).contains("wrong passphrase").contains(key);
					assertThat(ex.getAction()).contains("ssh.tunnel.private-key-passphrase");
					assertNoSecret(ex, "not-the-passphrase");
				});
		}
	}

	@Test
	void missingPassphraseIsReported() {
		this.server = TestSshServer.withKeysOnly("alice").start();
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(
					settings().privateKey(PrivateKeySource.ofPath(KEYS.resolve("rsa_openssh_encrypted"))).build())
				.open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.KEY_INVALID);
				assertThat(ex.getMessage()).contains("is encrypted");
				assertThat(ex.getAction()).contains("ssh.tunnel.private-key-passphrase");
			});
	}

	@Test
	void missingKeyFileIsReported() {
		this.server = TestSshServer.withKeysOnly("alice").start();
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(
					settings().privateKey(PrivateKeySource.ofPath(KEYS.resolve("does_not_exist"))).build())
				.open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.KEY_UNREADABLE);
				assertThat(ex.getMessage()).contains("does_not_exist").contains("does not exist");
				assertThat(ex.getAction()).contains("ssh.tunnel.private-key");
			});
	}

	@Test
	void fileThatIsNotAKeyIsReported() {
		this.server = TestSshServer.withKeysOnly("alice").start();
		for (String file : new String[] { "not_a_key", "ed25519_openssh.pub" }) {
			assertThatExceptionOfType(SshTunnelException.class)
				.isThrownBy(
						() -> new SshTunnel(settings().privateKey(PrivateKeySource.ofPath(KEYS.resolve(file))).build())
							.open())
				.satisfies((ex) -> {
					assertThat(ex.getReason()).as(file).isEqualTo(Reason.KEY_INVALID);
					assertThat(ex.getMessage()).contains("no private key in a supported format");
					assertThat(ex.getAction()).contains("ssh.tunnel.private-key");
				});
		}
	}

	private TunnelSettings.Builder settings() {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.server.port())
			.username("alice")
			.hostKey(this.server.hostKeyFingerprint())
			.connectTimeout(Duration.ofSeconds(5))
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.target.port()));
	}

	private static void assertForwards(SshTunnel tunnel) throws Exception {
		assertThat(tunnel.state().isUp()).isTrue();
		assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "ping")).isEqualTo("ping");
	}

	static void assertNoSecret(Throwable ex, String secret) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			assertThat(String.valueOf(cause.getMessage())).doesNotContain(secret);
			assertThat(cause.toString()).doesNotContain(secret);
		}
		if (ex instanceof SshTunnelException tunnelException) {
			assertThat(tunnelException.getAction()).doesNotContain(secret);
		}
	}

}

package io.github.sshtunnel.core;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;

import io.github.sshtunnel.health.SshTunnelHealthIndicator;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which authentication method and key logged the tunnel in, in its state and health
 * details, for the server and for each jump host; never a secret. In-process MINA
 * servers; the real-OpenSSH assertions are in {@code OpenSshJumpHostCertificateTests}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class AuthenticationUsedTests {

	private static final String PASSWORD = "login-secret-never-shown";

	private static final Path KEY = KeyFixtures.DIRECTORY.resolve("ed25519_openssh");

	private final TestTcpServer echo = TestTcpServer.echo();

	private TestSshServer server;

	private TestSshServer jump;

	@AfterEach
	void stop() {
		for (TestSshServer running : new TestSshServer[] { this.server, this.jump }) {
			if (running != null) {
				running.close();
			}
		}
		this.echo.close();
	}

	@Test
	void passwordLoginShowsPasswordAndNoKey() throws Exception {
		this.server = passwordOnly(TestSshServer.withPassword("alice", PASSWORD)).start();
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open()) {
			assertThat(tunnel.state().authentication()).isEqualTo(new AuthenticationUsed("password", null));
			assertThat(tunnel.state().jumpHostAuthentications()).isEmpty();
			Health health = new SshTunnelHealthIndicator(tunnel).health();
			assertThat(health.getDetails()).containsEntry("authMethod", "password")
				.doesNotContainKey("keyFingerprint")
				.doesNotContainKey("jumpHostAuthentication");
			assertThat(health.toString()).doesNotContain(PASSWORD);
		}
	}

	@Test
	void keyLoginShowsPublickeyAndTheKeysFingerprint() throws Exception {
		this.server = TestSshServer.withKeysOnly("alice").authorize(Path.of(KEY + ".pub")).start();
		try (SshTunnel tunnel = new SshTunnel(
				settings().password(null).privateKey(PrivateKeySource.ofPath(KEY)).build())
			.open()) {
			String fingerprint = KeyUtils.getFingerPrint(publicKey());
			assertThat(fingerprint).startsWith("SHA256:");
			assertThat(tunnel.state().authentication()).isEqualTo(new AuthenticationUsed("publickey", fingerprint));
			Health health = new SshTunnelHealthIndicator(tunnel).health();
			assertThat(health.getDetails()).containsEntry("authMethod", "publickey")
				.containsEntry("keyFingerprint", fingerprint);
		}
	}

	@Test
	void keyboardInteractiveLoginShowsKeyboardInteractive() throws Exception {
		this.server = TestSshServer.withPassword("alice", PASSWORD)
			.keyboardInteractiveOnly(false, "Password: ")
			.start();
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open()) {
			assertThat(tunnel.state().authentication()).isEqualTo(new AuthenticationUsed("keyboard-interactive", null));
		}
	}

	@Test
	void eachJumpHostShowsItsOwnLogin() throws Exception {
		this.jump = passwordOnly(TestSshServer.withPassword("jumper", PASSWORD)).start();
		this.server = TestSshServer.withKeysOnly("alice").authorize(Path.of(KEY + ".pub")).start();
		TunnelSettings settings = settings().password(null)
			.privateKey(PrivateKeySource.ofPath(KEY))
			.jumpHost(JumpHost.builder("127.0.0.1")
				.port(this.jump.port())
				.username("jumper")
				.password(PASSWORD)
				.hostKey(this.jump.hostKeyFingerprint())
				.build())
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "hop")).isEqualTo("hop");
			String fingerprint = KeyUtils.getFingerPrint(publicKey());
			assertThat(tunnel.state().authentication()).isEqualTo(new AuthenticationUsed("publickey", fingerprint));
			assertThat(tunnel.state().jumpHostAuthentications())
				.containsExactly(new AuthenticationUsed("password", null));
			Health health = new SshTunnelHealthIndicator(tunnel).health();
			assertThat(health.getDetails()).containsEntry("jumpHostAuthentication",
					List.of(Map.of("jumpHost", "127.0.0.1:" + this.jump.port(), "authMethod", "password")));
			assertThat(health.toString()).doesNotContain(PASSWORD);
		}
	}

	@Test
	void passwordOfferedToAServerWithBothMethodsShowsTheMethodThatWasUsed() throws Exception {
		// MINA's client prefers keyboard-interactive (answered with the password) to
		// password, as OpenSSH does
		this.server = TestSshServer.withPassword("alice", PASSWORD).start();
		try (SshTunnel tunnel = new SshTunnel(settings().build()).open()) {
			assertThat(tunnel.state().authentication()).isEqualTo(new AuthenticationUsed("keyboard-interactive", null));
		}
	}

	/**
	 * Offer the password method only (MINA's server also offers keyboard-interactive with
	 * a password authenticator).
	 */
	private static TestSshServer passwordOnly(TestSshServer server) {
		return server.customize((sshServer) -> sshServer.setUserAuthFactories(List.of(new UserAuthPasswordFactory())));
	}

	private TunnelSettings.Builder settings() {
		return this.server.tunnelSettings(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.echo.port()));
	}

	private static PublicKey publicKey() throws Exception {
		return AuthorizedKeyEntry.readAuthorizedKeys(Path.of(KEY + ".pub"))
			.get(0)
			.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
	}

}

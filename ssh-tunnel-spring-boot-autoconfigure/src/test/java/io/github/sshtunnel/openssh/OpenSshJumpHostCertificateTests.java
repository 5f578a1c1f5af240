package io.github.sshtunnel.openssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.AuthenticationUsed;
import io.github.sshtunnel.core.CertificateSource;
import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.JumpHost;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.SshAgentProcess;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A user certificate at a jump host, with real OpenSSH: the jump {@code sshd} trusts only
 * a user CA ({@code TrustedUserCAKeys}, no authorized key), the target takes a plain key.
 * The hop logs in with its own key and certificate ({@code jump-hosts[0].certificate}),
 * or inherits the tunnel's key and certificate; a hop's bad certificate is refused before
 * connecting, naming the hop and the hop's property. Mandatory in CI.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshJumpHostCertificateTests {

	private static final Path TARGET_KEY = KeyFixtures.DIRECTORY.toAbsolutePath().resolve("ed25519_openssh");

	@TempDir
	Path temp;

	private final TestTcpServer echo = TestTcpServer.echo();

	private OpenSshServer target;

	private OpenSshServer jump;

	private Path ca;

	private Path hopKey;

	private Path knownHosts;

	@BeforeEach
	void startServers() {
		Peers.requireOpenSsh();
		this.ca = SshAgentProcess.generateKey(this.temp, "ed25519", "user_ca");
		this.hopKey = SshAgentProcess.generateKey(this.temp, "ed25519", "id_hop");
		this.target = new OpenSshServer().authorize(Path.of(TARGET_KEY + ".pub"))
			.authorize(Path.of(this.hopKey + ".pub"))
			.start();
		this.jump = new OpenSshServer()
			.configure("LogLevel DEBUG1", "TrustedUserCAKeys " + this.ca + ".pub",
					"PermitOpen 127.0.0.1:" + this.target.port())
			.start();
		this.knownHosts = this.target.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false);
		try {
			Path single = this.jump.writeKnownHosts(this.temp.resolve("known_hosts_jump"), "ed25519", false);
			Files.writeString(this.knownHosts, Files.readString(single), StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@AfterEach
	void stopServers() {
		for (OpenSshServer server : new OpenSshServer[] { this.jump, this.target }) {
			if (server != null) {
				server.close();
			}
		}
		this.echo.close();
	}

	@Test
	void hopLogsInWithItsOwnKeyAndCertificate() throws Exception {
		Path certificate = certificate("-n", this.jump.user(), "-V", "-5m:+1d");
		TunnelSettings settings = settings(PrivateKeySource.ofPath(TARGET_KEY))
			.jumpHost(jumpHost().privateKey(PrivateKeySource.ofPath(this.hopKey))
				.certificate(CertificateSource.ofPath(certificate))
				.build())
			.build();
		assertTunnelWorksThroughTheJumpHost(settings);
	}

	@Test
	void hopInheritsTheTunnelsKeyAndCertificate() throws Exception {
		Path certificate = certificate("-n", this.jump.user(), "-V", "-5m:+1d");
		TunnelSettings settings = settings(PrivateKeySource.ofPath(this.hopKey))
			.certificate(CertificateSource.ofPath(certificate))
			.jumpHost(jumpHost().build())
			.build();
		assertTunnelWorksThroughTheJumpHost(settings);
	}

	@Test
	void hopWithoutItsCertificateIsRefused() {
		TunnelSettings settings = settings(PrivateKeySource.ofPath(TARGET_KEY))
			.jumpHost(jumpHost().privateKey(PrivateKeySource.ofPath(this.hopKey)).build())
			.build();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
				assertThat(ex.getJumpHost()).isEqualTo("jump host 1 of 1, 127.0.0.1:" + this.jump.port());
			});
	}

	@Test
	void hopsExpiredCertificateIsRefusedBeforeConnectingNamingTheHopsProperty() {
		assertHopCertificateRefused(certificate("-n", this.jump.user(), "-V", "20200101:20200102"),
				"expired at 2020-01-02");
	}

	@Test
	void hopsCertificateForAnotherUserIsRefusedNamingTheHopsProperty() {
		assertHopCertificateRefused(certificate("-n", "someone-else", "-V", "-5m:+1d"),
				"is not valid for user '" + this.jump.user() + "'");
	}

	private void assertHopCertificateRefused(Path certificate, String problem) {
		TunnelSettings settings = settings(PrivateKeySource.ofPath(TARGET_KEY))
			.jumpHost(jumpHost().privateKey(PrivateKeySource.ofPath(this.hopKey))
				.certificate(CertificateSource.ofPath(certificate))
				.build())
			.build();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.CERTIFICATE_INVALID);
				assertThat(ex.getJumpHost()).isEqualTo("jump host 1 of 1, 127.0.0.1:" + this.jump.port());
				assertThat(ex.getMessage()).contains("ssh.tunnel.jump-hosts[0].certificate")
					.contains(problem)
					.doesNotContain("ssh.tunnel.certificate");
				assertThat(ex.getAction()).contains("ssh.tunnel.jump-hosts[0].certificate")
					.doesNotContain("ssh.tunnel.certificate");
			});
		assertThat(this.jump.log()).doesNotContain("publickey");
	}

	private void assertTunnelWorksThroughTheJumpHost(TunnelSettings settings) throws Exception {
		String hopFingerprint = fingerprint(Path.of(this.hopKey + ".pub"));
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "hop-certified")).isEqualTo("hop-certified");
			// the certified key's fingerprint, as sshd logs it ("ED25519-CERT
			// SHA256:...")
			assertThat(tunnel.state().jumpHostAuthentications())
				.containsExactly(new AuthenticationUsed("publickey", hopFingerprint));
			assertThat(tunnel.state().authentication().method()).isEqualTo("publickey");
			assertThat(this.target.log()).contains(tunnel.state().authentication().keyFingerprint());
		}
		assertThat(this.jump.log()).contains("Accepted publickey")
			.contains("ED25519-CERT " + hopFingerprint)
			.contains("server_request_direct_tcpip")
			.contains("port " + this.target.port());
		assertThat(this.target.log()).contains("Accepted publickey");
	}

	private static String fingerprint(Path publicKey) throws Exception {
		return KeyUtils.getFingerPrint(AuthorizedKeyEntry.readAuthorizedKeys(publicKey)
			.get(0)
			.resolvePublicKey(null, PublicKeyEntryResolver.FAILING));
	}

	private JumpHost.Builder jumpHost() {
		return JumpHost.builder("127.0.0.1").port(this.jump.port());
	}

	private TunnelSettings.Builder settings(PrivateKeySource key) {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.target.port())
			.username(this.target.user())
			.privateKey(key)
			.knownHosts(this.knownHosts)
			.connectTimeout(Duration.ofSeconds(10))
			.reconnect(false, Duration.ofSeconds(1), Duration.ofSeconds(1))
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.echo.port()));
	}

	/**
	 * Sign the hop's key with {@code ssh-keygen -s}; the certificate is moved away from
	 * the key so that only the setting names it.
	 */
	private Path certificate(String... options) {
		String[] command = new String[options.length + 7];
		System.arraycopy(new String[] { "ssh-keygen", "-q", "-s", this.ca.toString(), "-I", "hop-user" }, 0, command, 0,
				6);
		System.arraycopy(options, 0, command, 6, options.length);
		command[command.length - 1] = this.hopKey + ".pub";
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes());
			assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as(output).isZero();
			return Files.move(Path.of(this.hopKey + "-cert.pub"), this.temp.resolve("hop-elsewhere-cert.pub"));
		}
		catch (IOException | InterruptedException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

package io.github.sshtunnel.openssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.CertificateSource;
import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.HostKeyChecking;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.SshAgentProcess;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Login with OpenSSH user certificates against a real {@code sshd} that trusts only the
 * user CA ({@code TrustedUserCAKeys}, no authorized key): the {@code certificate}
 * property, the {@code <key>-cert.pub} next to the key, a certificate with the key in an
 * ssh-agent, and expired or wrong-principal certificates refused before connecting.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshCertificateTests {

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private Path ca;

	private Path key;

	private final TestTcpServer target = TestTcpServer.echo();

	@BeforeEach
	void startServer() {
		Peers.requireOpenSsh();
		this.sshd = new OpenSshServer();
		this.ca = SshAgentProcess.generateKey(this.temp, "ed25519", "user_ca");
		this.key = SshAgentProcess.generateKey(this.temp, "ed25519", "id_ed25519");
		// only the CA is trusted: the plain key alone is refused
		this.sshd.configure("TrustedUserCAKeys " + this.ca + ".pub").start();
	}

	@AfterEach
	void stop() {
		if (this.sshd != null) {
			this.sshd.close();
		}
		this.target.close();
	}

	@Test
	void logsInWithCertificateProperty() throws Exception {
		Path certificate = moved(
				SshAgentProcess.signUserCertificate(this.ca, Path.of(this.key + ".pub"), this.sshd.user()));
		assertLogsIn(settings().privateKey(PrivateKeySource.ofPath(this.key))
			.certificate(CertificateSource.ofPath(certificate)));
	}

	@Test
	void logsInWithCertificateText() throws Exception {
		Path certificate = moved(
				SshAgentProcess.signUserCertificate(this.ca, Path.of(this.key + ".pub"), this.sshd.user()));
		assertLogsIn(settings().privateKey(PrivateKeySource.ofPath(this.key))
			.certificate(CertificateSource.ofText(Files.readString(certificate))));
	}

	@Test
	void logsInWithCertificateNextToKeyFile() throws Exception {
		SshAgentProcess.signUserCertificate(this.ca, Path.of(this.key + ".pub"), this.sshd.user());
		assertLogsIn(settings().privateKey(PrivateKeySource.ofPath(this.key)));
	}

	@Test
	void plainKeyAloneIsRefused() {
		TunnelSettings settings = settings().privateKey(PrivateKeySource.ofPath(this.key)).build();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED));
	}

	@Test
	void logsInWithCertificateOfAgentHeldKey() throws Exception {
		try (SshAgentProcess agent = SshAgentProcess.start(this.temp)) {
			agent.add(this.key);
			Files.delete(this.key);
			Path certificate = moved(
					SshAgentProcess.signUserCertificate(this.ca, Path.of(this.key + ".pub"), this.sshd.user()));
			assertThat(agent.list()).noneMatch((line) -> line.contains("CERT"));
			assertLogsIn(settings().identityAgent(agent.socket().toString())
				.certificate(CertificateSource.ofPath(certificate)));
		}
	}

	@Test
	void refusesExpiredCertificateBeforeConnecting() {
		Path certificate = sign("-n", this.sshd.user(), "-V", "20200101:20200102");
		assertRefusedBeforeConnecting(certificate, "expired at 2020-01-02");
	}

	@Test
	void refusesCertificateNotYetValidBeforeConnecting() {
		Path certificate = sign("-n", this.sshd.user(), "-V", "+1d:+2d");
		assertRefusedBeforeConnecting(certificate, "is not valid yet");
	}

	@Test
	void refusesCertificateForAnotherUserBeforeConnecting() {
		Path certificate = sign("-n", "someone-else,nobody", "-V", "-5m:+1d");
		assertRefusedBeforeConnecting(certificate,
				"is not valid for user '" + this.sshd.user() + "': its principals are [someone-else, nobody]");
	}

	private void assertRefusedBeforeConnecting(Path certificate, String problem) {
		// the start-up probe of the test server (a bare TCP connect) is logged late
		await().atMost(Duration.ofSeconds(5))
			.until(() -> connections() == this.sshd.log()
				.lines()
				.filter((line) -> line.startsWith("Connection closed by 127.0.0.1"))
				.count());
		long connectionsBefore = connections();
		TunnelSettings settings = settings().privateKey(PrivateKeySource.ofPath(this.key))
			.certificate(CertificateSource.ofPath(certificate))
			.build();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.CERTIFICATE_INVALID);
				assertThat(ex.getMessage()).contains(certificate.toString())
					.contains("ssh.tunnel.certificate")
					.contains(problem);
				assertThat(ex.getAction()).contains("ssh.tunnel.certificate");
			});
		// sshd logs every connection at LogLevel VERBOSE: none was made
		assertThat(connections()).as(this.sshd.log()).isEqualTo(connectionsBefore);
		assertThat(this.sshd.log()).doesNotContain("publickey");
	}

	private long connections() {
		return this.sshd.log().lines().filter((line) -> line.contains("Connection from")).count();
	}

	private void assertLogsIn(TunnelSettings.Builder builder) throws Exception {
		try (SshTunnel tunnel = new SshTunnel(builder.build()).open()) {
			assertThat(tunnel.state().isUp()).as(this.sshd.log()).isTrue();
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "certified")).isEqualTo("certified");
		}
		assertThat(this.sshd.log()).contains("Accepted publickey").contains("ED25519-CERT");
	}

	/**
	 * Sign the key with {@code ssh-keygen -s} and the given options; returns the
	 * {@code -cert.pub} moved away from the key, so that only the property names it.
	 */
	private Path sign(String... options) {
		List<String> command = new ArrayList<>(
				List.of("ssh-keygen", "-q", "-s", this.ca.toString(), "-I", "test-user"));
		command.addAll(List.of(options));
		command.add(this.key + ".pub");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(process.exitValue()).as(output).isZero();
			return moved(Path.of(this.key + "-cert.pub"));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Path moved(Path certificate) throws IOException {
		return Files.move(certificate, this.temp.resolve("elsewhere-cert.pub"));
	}

	private TunnelSettings.Builder settings() {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.sshd.port())
			.username(this.sshd.user())
			.hostKey(this.sshd.hostKeyPublicLine())
			.hostKeyChecking(HostKeyChecking.YES)
			.connectTimeout(Duration.ofSeconds(10))
			.reconnect(false, Duration.ofSeconds(1), Duration.ofSeconds(1))
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.target.port()));
	}

}

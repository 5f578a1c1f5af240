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

/**
 * Host certificates of a real {@code sshd} ({@code HostCertificate}, signed with
 * {@code ssh-keygen -h}) checked through known_hosts {@code @cert-authority} lines: a
 * certificate of a trusted CA is accepted without any plain host key; a revoked CA, an
 * expired certificate or one for another host name is refused; a certificate of an
 * unknown CA falls back to the plain host key, as OpenSSH does.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshHostCertificateTests {

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private Path hostCa;

	private Path userKey;

	private final TestTcpServer target = TestTcpServer.echo();

	@BeforeEach
	void prepare() {
		Peers.requireOpenSsh();
		this.sshd = new OpenSshServer();
		this.hostCa = SshAgentProcess.generateKey(this.temp, "ed25519", "host_ca");
		this.userKey = SshAgentProcess.generateKey(this.temp, "ed25519", "id_ed25519");
		this.sshd.authorize(Path.of(this.userKey + ".pub"));
	}

	@AfterEach
	void stop() {
		if (this.sshd != null) {
			this.sshd.close();
		}
		this.target.close();
	}

	@Test
	void acceptsHostCertificateOfTrustedCa() throws Exception {
		startWithHostCertificate(this.hostCa, "127.0.0.1,localhost", "-5m:+1d");
		Path knownHosts = knownHosts(certAuthority());
		try (SshTunnel tunnel = new SshTunnel(settings(knownHosts).build()).open()) {
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "host certified")).isEqualTo("host certified");
		}
	}

	@Test
	void refusesHostCertificateOfRevokedCa() throws Exception {
		startWithHostCertificate(this.hostCa, "127.0.0.1,localhost", "-5m:+1d");
		Path knownHosts = knownHosts(certAuthority(), "@revoked * " + publicLine(this.hostCa));
		assertRefused(knownHosts, Reason.HOST_KEY_REVOKED, "is signed by a revoked CA");
	}

	@Test
	void refusesHostCertificateForAnotherHostName() throws Exception {
		startWithHostCertificate(this.hostCa, "db.example.com", "-5m:+1d");
		assertRefused(knownHosts(certAuthority()), Reason.HOST_CERTIFICATE_INVALID,
				"principal 127.0.0.1 not in certificate [db.example.com]");
	}

	@Test
	void refusesExpiredHostCertificate() throws Exception {
		startWithHostCertificate(this.hostCa, "127.0.0.1", "20200101:20200102");
		assertRefused(knownHosts(certAuthority()), Reason.HOST_CERTIFICATE_INVALID, "expired at 2020-01-02");
	}

	@Test
	void fallsBackToPlainHostKeyWhenNoCaMatches() throws Exception {
		Path otherCa = SshAgentProcess.generateKey(this.temp, "ed25519", "other_ca");
		startWithHostCertificate(otherCa, "127.0.0.1", "-5m:+1d");
		String[] plain = this.sshd.hostKeyLine("ed25519").split(" ");
		Path knownHosts = knownHosts(certAuthority(),
				"[127.0.0.1]:" + this.sshd.port() + " " + plain[0] + " " + plain[1]);
		try (SshTunnel tunnel = new SshTunnel(settings(knownHosts).build()).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
	}

	@Test
	void refusesUnknownCaWithoutPlainHostKey() throws Exception {
		Path otherCa = SshAgentProcess.generateKey(this.temp, "ed25519", "other_ca");
		startWithHostCertificate(otherCa, "127.0.0.1", "-5m:+1d");
		assertRefused(knownHosts(certAuthority()), Reason.HOST_KEY_UNKNOWN, "is not in known_hosts file");
	}

	private void assertRefused(Path knownHosts, Reason reason, String text) {
		TunnelSettings settings = settings(knownHosts).build();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).as(ex.getMessage()).isEqualTo(reason);
				assertThat(ex.getMessage()).contains(text);
				assertThat(ex.getAction()).contains("ssh.tunnel.");
			});
		assertThat(this.sshd.log()).doesNotContain("Accepted publickey");
	}

	private void startWithHostCertificate(Path ca, String principals, String validity) throws Exception {
		Path hostKey = this.sshd.directory().resolve("ssh_host_ed25519_key.pub");
		run("ssh-keygen", "-q", "-s", ca.toString(), "-I", "test-host", "-h", "-n", principals, "-V", validity,
				hostKey.toString());
		this.sshd.configure("HostCertificate " + this.sshd.directory().resolve("ssh_host_ed25519_key-cert.pub"))
			.start();
	}

	private String certAuthority() throws IOException {
		return "@cert-authority [127.0.0.1]:" + this.sshd.port() + ",[localhost]:" + this.sshd.port() + " "
				+ publicLine(this.hostCa);
	}

	private static String publicLine(Path key) throws IOException {
		String[] parts = Files.readString(Path.of(key + ".pub")).trim().split(" ");
		return parts[0] + " " + parts[1];
	}

	private Path knownHosts(String... lines) throws IOException {
		return Files.write(this.temp.resolve("known_hosts"), List.of(lines), StandardCharsets.UTF_8);
	}

	private TunnelSettings.Builder settings(Path knownHosts) {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.sshd.port())
			.username(this.sshd.user())
			.privateKey(PrivateKeySource.ofPath(this.userKey))
			.knownHosts(knownHosts)
			.hostKeyChecking(HostKeyChecking.YES)
			.connectTimeout(Duration.ofSeconds(10))
			.reconnect(false, Duration.ofSeconds(1), Duration.ofSeconds(1))
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.target.port()));
	}

	private static void run(String... command) throws Exception {
		Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
	}

}

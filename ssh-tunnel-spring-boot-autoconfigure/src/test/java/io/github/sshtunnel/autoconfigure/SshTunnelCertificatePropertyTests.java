package io.github.sshtunnel.autoconfigure;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.TestCertificates;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@code ssh.tunnel.certificate}: a location or the certificate text, mapped to
 * the settings; an expired certificate fails start-up naming the property; a certificate
 * without a key to sign with is a configuration error.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelCertificatePropertyTests {

	@TempDir
	Path temp;

	private final TestSshServer server = TestSshServer.withPassword("alice", "cert-test-secret").start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class, SshTunnelAutoConfiguration.class));

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void mapsLocationAndText() {
		Path file = TestCertificates.write(certificate(Instant.now().plusSeconds(3600)),
				this.temp.resolve("id-cert.pub"));
		this.contextRunner.withPropertyValues(tunnel())
			.withPropertyValues("ssh.tunnel.fail-fast=false", "ssh.tunnel.certificate=file:" + file)
			.run((context) -> assertThat(context.getBean(SshTunnel.class).settings().getCertificate().description())
				.isEqualTo(file.toString()));
		String text = TestCertificates.line(certificate(Instant.now().plusSeconds(3600)));
		this.contextRunner.withPropertyValues(tunnel())
			.withPropertyValues("ssh.tunnel.fail-fast=false", "ssh.tunnel.certificate=" + text)
			.run((context) -> assertThat(context.getBean(SshTunnel.class).settings().getCertificate().description())
				.isEqualTo("(inline text)"));
	}

	@Test
	void expiredCertificateFailsStartNamingTheProperty() {
		Path file = TestCertificates.write(certificate(Instant.parse("2020-01-02T00:00:00Z")),
				this.temp.resolve("id-cert.pub"));
		this.contextRunner.withPropertyValues(tunnel())
			.withPropertyValues("ssh.tunnel.certificate=file:" + file)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new SshTunnelFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("CERTIFICATE_INVALID")
					.contains(file.toString())
					.contains("ssh.tunnel.certificate")
					.contains("expired at 2020-01-02T00:00:00Z")
					.doesNotContain("cert-test-secret");
				assertThat(analysis.getAction()).contains("ssh.tunnel.certificate");
			});
	}

	@Test
	void certificateNeedsPrivateKeyOrAgent() {
		Path file = TestCertificates.write(certificate(Instant.now().plusSeconds(3600)),
				this.temp.resolve("id-cert.pub"));
		this.contextRunner.withPropertyValues(tunnel())
			.withPropertyValues("ssh.tunnel.private-key=", "ssh.tunnel.certificate=file:" + file)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new SshTunnelFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("INVALID_CONFIGURATION")
					.contains("ssh.tunnel.certificate needs ssh.tunnel.private-key or ssh.tunnel.identity-agent");
			});
	}

	private static OpenSshCertificate certificate(Instant validBefore) {
		return TestCertificates.sign(OpenSshCertificate.Type.USER, TestCertificates.fixturePublicKey("ed25519_openssh"),
				List.of("alice"), validBefore.minusSeconds(86400), validBefore);
	}

	private String[] tunnel() {
		return new String[] { "ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.password=cert-test-secret",
				"ssh.tunnel.private-key=file:" + KeyFixtures.DIRECTORY.resolve("ed25519_openssh").toAbsolutePath(),
				"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(), "ssh.tunnel.connect-timeout=5s",
				"ssh.tunnel.forwards.db.remote-host=127.0.0.1", "ssh.tunnel.forwards.db.remote-port=5432" };
	}

}

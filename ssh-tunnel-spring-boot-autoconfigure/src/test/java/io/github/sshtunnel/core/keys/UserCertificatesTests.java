package io.github.sshtunnel.core.keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.OpenSshCertificate.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.CertificateSource;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reading and checking OpenSSH user certificates before connecting: type, key, validity
 * period, principals, and the {@code <key>-cert.pub} that OpenSSH uses next to a key
 * file.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class UserCertificatesTests {

	private static final String PROPERTY = "ssh.tunnel.certificate";

	private static final Instant NOW = Instant.now();

	@TempDir
	Path temp;

	@Test
	void acceptsCertificateValidNowForTheUser() {
		OpenSshCertificate certificate = user(List.of("alice", "bob"), NOW.minusSeconds(60), NOW.plusSeconds(60));
		CertificateCheck.check(certificate, "cert", "alice", NOW, PROPERTY);
	}

	@Test
	void emptyPrincipalsMeanAnyUser() {
		OpenSshCertificate certificate = user(List.of(), NOW.minusSeconds(60), NOW.plusSeconds(60));
		CertificateCheck.check(certificate, "cert", "anyone", NOW, PROPERTY);
	}

	@Test
	void refusesExpiredCertificateWithItsDates() {
		OpenSshCertificate certificate = user(List.of("alice"), Instant.parse("2020-01-01T00:00:00Z"),
				Instant.parse("2020-01-02T00:00:00Z"));
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> CertificateCheck.check(certificate, "/keys/id-cert.pub", "alice", NOW, PROPERTY))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.CERTIFICATE_INVALID);
				assertThat(ex.getMessage()).contains("/keys/id-cert.pub")
					.contains(PROPERTY)
					.contains("expired at 2020-01-02T00:00:00Z")
					.contains("valid from 2020-01-01T00:00:00Z");
				assertThat(ex.getAction()).contains(PROPERTY);
			});
	}

	@Test
	void refusesCertificateNotValidYet() {
		Instant start = NOW.plus(Duration.ofHours(1));
		OpenSshCertificate certificate = user(List.of("alice"), start, start.plus(Duration.ofDays(1)));
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> CertificateCheck.check(certificate, "cert", "alice", NOW, PROPERTY))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("is not valid yet")
				.contains("valid from " + Instant.ofEpochSecond(start.getEpochSecond()))
				.contains("check this machine's clock"));
	}

	@Test
	void validityEndsJustBeforeValidBefore() {
		Instant end = Instant.parse("2030-01-01T00:00:00Z");
		OpenSshCertificate certificate = user(List.of("alice"), Instant.parse("2029-01-01T00:00:00Z"), end);
		assertThat(CertificateCheck.validity(certificate, end.minusSeconds(1))).isNull();
		assertThat(CertificateCheck.validity(certificate, end)).startsWith("expired at 2030-01-01T00:00:00Z");
		assertThat(CertificateCheck.validity(certificate, Instant.parse("2029-01-01T00:00:00Z"))).isNull();
		assertThat(CertificateCheck.validity(certificate, Instant.parse("2028-12-31T23:59:59Z")))
			.startsWith("is not valid yet");
	}

	@Test
	void refusesCertificateForAnotherUserNamingPrincipals() {
		OpenSshCertificate certificate = user(List.of("bob", "carol"), NOW.minusSeconds(60), NOW.plusSeconds(60));
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> CertificateCheck.check(certificate, "cert", "alice", NOW, PROPERTY))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.CERTIFICATE_INVALID);
				assertThat(ex.getMessage()).contains("not valid for user 'alice'").contains("[bob, carol]");
				assertThat(ex.getAction()).contains("ssh.tunnel.username").contains(PROPERTY);
			});
	}

	@Test
	void refusesHostCertificateAsUserCertificate() {
		OpenSshCertificate certificate = TestCertificates.sign(Type.HOST,
				TestCertificates.fixturePublicKey("ed25519_openssh"), List.of("alice"), NOW.minusSeconds(60),
				NOW.plusSeconds(60));
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> CertificateCheck.check(certificate, "cert", "alice", NOW, PROPERTY))
			.withMessageContaining("is a host certificate, not a user certificate");
	}

	@Test
	void pairsCertificateWithItsPrivateKeyCertificateFirst() {
		OpenSshCertificate certificate = user(List.of("alice"), NOW.minusSeconds(60), NOW.plusSeconds(600));
		List<KeyPair> identities = UserCertificates.identities(key("ed25519_openssh"), null,
				CertificateSource.ofText(TestCertificates.line(certificate)), "alice", PROPERTY);
		assertThat(identities).hasSize(2);
		assertThat(identities.get(0).getPublic()).isInstanceOf(OpenSshCertificate.class);
		assertThat(identities.get(1).getPublic()).isNotInstanceOf(OpenSshCertificate.class);
	}

	@Test
	void refusesCertificateOfAnotherKey() {
		OpenSshCertificate certificate = TestCertificates.sign(Type.USER,
				TestCertificates.fixturePublicKey("ecdsa_openssh"), List.of("alice"), NOW.minusSeconds(60),
				NOW.plusSeconds(600));
		PrivateKeySource key = key("ed25519_openssh");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> UserCertificates.identities(key, null,
					CertificateSource.ofText(TestCertificates.line(certificate)), "alice", PROPERTY))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.CERTIFICATE_INVALID);
				assertThat(ex.getMessage()).contains("which is not the private key " + key.description())
					.contains("ecdsa-sha2-nistp256");
			});
	}

	@Test
	void refusesPlainPublicKeyAndMissingFile() throws Exception {
		String publicKey = Files.readString(KeyFixtures.DIRECTORY.resolve("ed25519_openssh.pub"));
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> UserCertificates.read(CertificateSource.ofText(publicKey), PROPERTY))
			.withMessageContaining("holds a plain public key (ssh-ed25519), not a certificate");
		Path missing = this.temp.resolve("missing-cert.pub");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> UserCertificates.read(CertificateSource.ofPath(missing), PROPERTY))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains(missing.toString())
				.contains("does not exist")
				.contains(PROPERTY));
	}

	@Test
	void usesCertificateNextToKeyFile() throws Exception {
		Path key = copyKey("id_ed25519");
		TestCertificates.write(user(List.of("alice"), NOW.minusSeconds(60), NOW.plusSeconds(600)),
				key.resolveSibling("id_ed25519-cert.pub"));
		List<KeyPair> identities = UserCertificates.identities(PrivateKeySource.ofPath(key), null, null, "alice",
				PROPERTY);
		assertThat(identities).hasSize(2);
		assertThat(identities.get(0).getPublic()).isInstanceOf(OpenSshCertificate.class);
	}

	@Test
	void skipsUnusableCertificateNextToKeyFileAndKeepsTheKey() throws Exception {
		Path key = copyKey("id_ed25519");
		TestCertificates.write(
				user(List.of("alice"), Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-02T00:00:00Z")),
				key.resolveSibling("id_ed25519-cert.pub"));
		List<KeyPair> identities = UserCertificates.identities(PrivateKeySource.ofPath(key), null, null, "alice",
				PROPERTY);
		assertThat(identities).hasSize(1);
		assertThat(identities.get(0).getPublic()).isNotInstanceOf(OpenSshCertificate.class);
	}

	@Test
	void findsNoCertificateForKeyTextOrMissingFile() throws Exception {
		assertThat(UserCertificates.besideKey(PrivateKeySource.ofPem("-----BEGIN X-----"))).isNull();
		assertThat(UserCertificates.besideKey(PrivateKeySource.ofPath(copyKey("lonely")))).isNull();
	}

	private Path copyKey(String name) throws Exception {
		Path key = this.temp.resolve(name);
		Files.copy(KeyFixtures.DIRECTORY.resolve("ed25519_openssh"), key);
		return key;
	}

	private static PrivateKeySource key(String name) {
		return PrivateKeySource.ofPath(KeyFixtures.DIRECTORY.resolve(name));
	}

	private static OpenSshCertificate user(List<String> principals, Instant validAfter, Instant validBefore) {
		return TestCertificates.sign(Type.USER, TestCertificates.fixturePublicKey("ed25519_openssh"), principals,
				validAfter, validBefore);
	}

}

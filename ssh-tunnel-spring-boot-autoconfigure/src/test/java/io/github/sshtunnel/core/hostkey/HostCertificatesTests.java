package io.github.sshtunnel.core.hostkey;

import java.time.Instant;
import java.util.List;

import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.OpenSshCertificate.Type;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.testsupport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of what makes a host certificate invalid for a host: type, validity period
 * and principals (the host name as connected).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class HostCertificatesTests {

	private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

	@Test
	void validForListedHostName() {
		assertThat(HostCertificates.problem(host(List.of("127.0.0.1", "localhost")), "localhost", NOW)).isNull();
		assertThat(HostCertificates.problem(host(List.of("127.0.0.1", "localhost")), "127.0.0.1", NOW)).isNull();
	}

	@Test
	void principalMismatchNamesHostAndPrincipals() {
		assertThat(HostCertificates.problem(host(List.of("db.example.com")), "localhost", NOW))
			.isEqualTo("is not valid for host name localhost: principal localhost not in certificate [db.example.com]");
	}

	@Test
	void noPrincipalsIsRefusedAsInOpenSsh103() {
		assertThat(HostCertificates.problem(host(List.of()), "localhost", NOW)).startsWith("has no principals");
	}

	@Test
	void userCertificateIsNoHostCertificate() {
		OpenSshCertificate user = TestCertificates.sign(Type.USER, TestCertificates.fixturePublicKey("ed25519_openssh"),
				List.of("localhost"), NOW.minusSeconds(60), NOW.plusSeconds(60));
		assertThat(HostCertificates.problem(user, "localhost", NOW))
			.isEqualTo("is a user certificate, not a host certificate");
	}

	@Test
	void expiredAndNotYetValid() {
		assertThat(HostCertificates.problem(host(List.of("localhost")), "localhost", NOW.plusSeconds(7200)))
			.startsWith("expired at 2030-06-01T13:00:00Z");
		assertThat(HostCertificates.problem(host(List.of("localhost")), "localhost", NOW.minusSeconds(7200)))
			.startsWith("is not valid yet: valid from 2030-06-01T11:00:00Z");
	}

	private static OpenSshCertificate host(List<String> principals) {
		return TestCertificates.sign(Type.HOST, TestCertificates.fixturePublicKey("ed25519_openssh"), principals,
				NOW.minusSeconds(3600), NOW.plusSeconds(3600));
	}

}

package io.github.sshtunnel.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * OpenSSH certificates made in process (MINA's certificate builder) for unit tests; the
 * real-OpenSSH tests sign theirs with {@code ssh-keygen}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TestCertificates {

	private TestCertificates() {
	}

	/**
	 * Return the public key of a key fixture.
	 * @param name the fixture's name, such as {@code ed25519_openssh}
	 * @return its public key
	 */
	public static PublicKey fixturePublicKey(String name) {
		try {
			String line = Files.readString(KeyFixtures.DIRECTORY.resolve(name + ".pub")).trim();
			return PublicKeyEntry.parsePublicKeyEntry(line)
				.resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Sign a certificate with a new CA.
	 * @param type user or host
	 * @param key the certified key
	 * @param principals the principals, empty for any
	 * @param validAfter start of validity
	 * @param validBefore end of validity
	 * @return the certificate
	 */
	public static OpenSshCertificate sign(OpenSshCertificate.Type type, PublicKey key, List<String> principals,
			Instant validAfter, Instant validBefore) {
		try {
			KeyPair ca = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
			OpenSshCertificateBuilder builder = (type == OpenSshCertificate.Type.USER)
					? OpenSshCertificateBuilder.userCertificate() : OpenSshCertificateBuilder.hostCertificate();
			return builder.publicKey(key)
				.id("test-cert")
				.principals(principals)
				.validAfter(validAfter)
				.validBefore(validBefore)
				.sign(ca);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return a certificate as the line of a {@code -cert.pub} file.
	 * @param certificate the certificate
	 * @return the line
	 */
	public static String line(OpenSshCertificate certificate) {
		return PublicKeyEntry.toString(certificate);
	}

	/**
	 * Write a certificate to a file.
	 * @param certificate the certificate
	 * @param file the file
	 * @return the file
	 */
	public static Path write(OpenSshCertificate certificate, Path file) {
		try {
			Files.writeString(file, line(certificate) + "\n");
			return file;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}

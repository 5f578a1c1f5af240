package io.github.sshtunnel.testsupport;

import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The test key fixtures in {@code src/test/resources/keys}: every supported type and
 * format, plain and encrypted.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class KeyFixtures {

	/**
	 * Where the fixtures are.
	 */
	public static final Path DIRECTORY = Path.of("src/test/resources/keys");

	/**
	 * Passphrase of every {@code *_encrypted} key.
	 */
	public static final String PASSPHRASE = "test-passphrase";

	private KeyFixtures() {
	}

	/**
	 * Return the names of all private key fixtures, for {@code @MethodSource}.
	 * @return the names
	 */
	public static Stream<String> all() {
		return Stream.of("ed25519_openssh", "ed25519_openssh_encrypted", "ed25519_pkcs8", "ed25519_pkcs8_encrypted",
				"ecdsa_openssh", "ecdsa_openssh_encrypted", "ecdsa_pkcs8", "ecdsa_pkcs8_encrypted", "ecdsa_pem",
				"ecdsa_pem_encrypted", "rsa_openssh", "rsa_openssh_encrypted", "rsa_pkcs8", "rsa_pkcs8_encrypted",
				"rsa_pem", "rsa_pem_encrypted");
	}

}

package io.github.sshtunnel.core.keys;

import java.security.PublicKey;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * How public keys are shown to people: as OpenSSH shows them.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class PublicKeys {

	private PublicKeys() {
	}

	/**
	 * Return the key's SHA-256 fingerprint ({@code SHA256:...}).
	 * @param key the key
	 * @return the fingerprint
	 */
	public static String fingerprint(PublicKey key) {
		return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
	}

	/**
	 * Return the key's type and fingerprint ({@code ssh-ed25519 SHA256:...}).
	 * @param key the key
	 * @return the description
	 */
	public static String describe(PublicKey key) {
		return KeyUtils.getKeyType(key) + " " + fingerprint(key);
	}

}

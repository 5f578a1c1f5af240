package io.github.sshtunnel.core.keys;

import java.security.Key;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.SshTunnelException;

/**
 * The minimum strength of host keys and user keys: RSA keys need at least 2048 bits.
 * OpenSSH 9.1 and later refuse RSA keys under 1024 bits by default
 * ({@code RequiredRSASize}); the tunnel draws the stricter line that NIST and OpenSSH's
 * own {@code ssh-keygen} default follow.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class KeyStrength {

	public static final int MIN_RSA_BITS = 2048;

	private KeyStrength() {
	}

	/**
	 * Return why a host key is too weak.
	 * @param key the host key
	 * @param server the server, as shown in messages
	 * @return the rejection, or {@code null} if the key is strong enough
	 */
	public static SshTunnelException checkHostKey(PublicKey key, String server) {
		int bits = rsaBits(key);
		if (bits < 0 || bits >= MIN_RSA_BITS) {
			return null;
		}
		return new SshTunnelException(Reason.HOST_KEY_WEAK,
				"SSH host key of " + server + " is an RSA key of " + bits + " bits (" + PublicKeys.describe(key)
						+ "); keys shorter than " + MIN_RSA_BITS + " bits are refused",
				"Ask the server's administrator for an ed25519, ECDSA or RSA " + MIN_RSA_BITS
						+ "+ host key (ssh-keygen -t ed25519); check ssh.tunnel.host.");
	}

	/**
	 * Return why a user key is too weak.
	 * @param key the user key
	 * @param source where it comes from, as shown in messages
	 * @return the rejection, or {@code null} if the key is strong enough
	 */
	public static SshTunnelException checkUserKey(KeyPair key, String source) {
		int bits = rsaBits(key.getPublic());
		if (bits < 0) {
			bits = rsaBits(key.getPrivate());
		}
		if (bits < 0 || bits >= MIN_RSA_BITS) {
			return null;
		}
		return new SshTunnelException(Reason.KEY_INVALID,
				"Private key " + source + " is an RSA key of " + bits + " bits; keys shorter than " + MIN_RSA_BITS
						+ " bits are refused",
				"Create a stronger key (ssh-keygen -t ed25519, or -t rsa -b 3072), authorize it on the server and set "
						+ "ssh.tunnel.private-key to it.");
	}

	private static int rsaBits(Key key) {
		if (key instanceof RSAKey rsa && rsa.getModulus() != null) {
			return rsa.getModulus().bitLength();
		}
		return -1;
	}

}

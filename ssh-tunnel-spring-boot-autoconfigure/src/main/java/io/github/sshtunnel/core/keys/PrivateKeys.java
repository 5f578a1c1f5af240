package io.github.sshtunnel.core.keys;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

import javax.security.auth.login.FailedLoginException;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.security.SecurityUtils;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.PrivateKeySource;

/**
 * Loads the user's private key in any format that OpenSSH and OpenSSL write: OpenSSH
 * (encrypted or not), PKCS#8 (encrypted or not) and legacy PEM; ed25519, ECDSA and RSA.
 * Errors say what is wrong without ever showing key material or the passphrase.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class PrivateKeys {

	private static final String KEY_PROPERTY = "ssh.tunnel.private-key";

	private static final String PASSPHRASE_PROPERTY = "ssh.tunnel.private-key-passphrase";

	/**
	 * Largest key file that is read: private keys take a few KiB.
	 */
	public static final int MAX_SIZE = 1024 * 1024;

	private PrivateKeys() {
	}

	public static List<KeyPair> load(PrivateKeySource source, String passphrase) {
		PassphraseProvider passphraseProvider = new PassphraseProvider(passphrase);
		NamedResource resource = NamedResource.ofName(source.description());
		List<KeyPair> keys = new ArrayList<>();
		try (InputStream input = source.open()) {
			byte[] bytes = input.readNBytes(MAX_SIZE + 1);
			if (bytes.length > MAX_SIZE) {
				throw new SshTunnelException(Reason.KEY_INVALID,
						"Private key " + source.description() + " is larger than " + (MAX_SIZE / 1024)
								+ " KiB and was not read",
						"Set " + KEY_PROPERTY + " to a private key file (a few KiB), not to another file.");
			}
			InputStream content = new ByteArrayInputStream(bytes);
			Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, resource, content, passphraseProvider);
			if (loaded != null) {
				loaded.forEach(keys::add);
			}
		}
		catch (SshTunnelException ex) {
			throw ex;
		}
		catch (NoSuchFileException | FileNotFoundException ex) {
			throw new SshTunnelException(Reason.KEY_UNREADABLE,
					"Private key " + source.description() + " does not exist",
					"Set " + KEY_PROPERTY + " to an existing key file (file: or classpath: location), to the PEM "
							+ "text of the key or to the base64 of the key file.",
					ex);
		}
		catch (AccessDeniedException ex) {
			throw new SshTunnelException(Reason.KEY_UNREADABLE,
					"Private key " + source.description() + " is not readable by this process",
					"Make the file readable by the application's user, or set " + KEY_PROPERTY + " to a readable key.",
					ex);
		}
		catch (FailedLoginException ex) {
			throw new SshTunnelException(Reason.KEY_INVALID,
					"Private key " + source.description() + " is encrypted and no passphrase is set",
					"Set " + PASSPHRASE_PROPERTY + " to the key's passphrase.");
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			if (passphraseProvider.attempted) {
				throw new SshTunnelException(Reason.KEY_INVALID,
						"Private key " + source.description() + " could not be decrypted: wrong passphrase",
						"Check " + PASSPHRASE_PROPERTY + ".");
			}
			if (ex instanceof FileSystemException) {
				throw new SshTunnelException(Reason.KEY_UNREADABLE,
						"Private key " + source.description() + " could not be read: " + ex.getClass().getSimpleName(),
						"Set " + KEY_PROPERTY + " to a readable key file or to the PEM text of the key.", ex);
			}
			throw invalid(source);
		}
		if (keys.isEmpty()) {
			throw invalid(source);
		}
		for (KeyPair key : keys) {
			SshTunnelException weak = KeyStrength.checkUserKey(key, source.description());
			if (weak != null) {
				throw weak;
			}
		}
		return keys;
	}

	private static SshTunnelException invalid(PrivateKeySource source) {
		return new SshTunnelException(Reason.KEY_INVALID,
				"Private key " + source.description()
						+ " holds no private key in a supported format (OpenSSH, PKCS#8 or PEM; ed25519, ECDSA or RSA)",
				"Set " + KEY_PROPERTY + " to a private key file, not a public key or certificate; convert other "
						+ "formats with 'ssh-keygen -p -f <key>'.");
	}

	private static final class PassphraseProvider implements FilePasswordProvider {

		private final String passphrase;

		private volatile boolean attempted;

		PassphraseProvider(String passphrase) {
			this.passphrase = passphrase;
		}

		@Override
		public String getPassword(SessionContext session, NamedResource resourceKey, int retryIndex) {
			if (this.passphrase != null && !this.passphrase.isEmpty()) {
				this.attempted = true;
			}
			return this.passphrase;
		}

	}

}

package io.github.sshtunnel.core.keys;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.CertificateSource;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * OpenSSH user certificates: read one (a location or its text), find the one OpenSSH
 * would use next to a key file ({@code <key>-cert.pub}), check it before connecting
 * ({@link CertificateCheck}), and pair it with its private key as the identity that logs
 * in.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class UserCertificates {

	/**
	 * The property of the tunnel's certificate, as messages name it.
	 */
	public static final String PROPERTY = "ssh.tunnel.certificate";

	/**
	 * Largest certificate file that is read: certificates take a few KiB.
	 */
	public static final int MAX_SIZE = 64 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(UserCertificates.class);

	private UserCertificates() {
	}

	/**
	 * Load the identities of a private key and its certificate, certificate first, as
	 * OpenSSH offers them: the configured certificate, checked (a problem fails), else a
	 * {@code <key file>-cert.pub} next to a key file, checked (a problem is logged and
	 * the certificate skipped, since the key alone may still log in).
	 * @param privateKey the private key
	 * @param passphrase its passphrase, or {@code null}
	 * @param certificate the configured certificate, or {@code null}
	 * @param username the user name the certificate must be valid for
	 * @param property the certificate's property, named in messages
	 * @return the identities, the certified one first
	 * @throws SshTunnelException with {@link Reason#CERTIFICATE_INVALID} if the
	 * configured certificate cannot be used
	 */
	public static List<KeyPair> identities(PrivateKeySource privateKey, String passphrase,
			CertificateSource certificate, String username, String property) {
		List<KeyPair> keys = PrivateKeys.load(privateKey, passphrase);
		CertificateSource source = certificate;
		boolean explicit = source != null;
		if (!explicit) {
			source = besideKey(privateKey);
			if (source == null) {
				return keys;
			}
		}
		try {
			OpenSshCertificate loaded = read(source, property);
			CertificateCheck.check(loaded, source.description(), username, Instant.now(), property);
			KeyPair match = null;
			for (KeyPair key : keys) {
				if (KeyUtils.compareKeys(loaded.getCertPubKey(), key.getPublic())) {
					match = key;
					break;
				}
			}
			if (match == null) {
				throw notForKey(source, loaded, "the private key " + privateKey.description(), property);
			}
			List<KeyPair> identities = new ArrayList<>();
			identities.add(new KeyPair(loaded, match.getPrivate()));
			identities.addAll(keys);
			return identities;
		}
		catch (SshTunnelException ex) {
			if (explicit) {
				throw ex;
			}
			logger.warn("Not using SSH user certificate found next to the private key: {} {}", ex.getMessage(),
					ex.getAction());
			return keys;
		}
	}

	/**
	 * Return the certificate OpenSSH uses with a key file: {@code <file>-cert.pub} next
	 * to it, when present.
	 * @param privateKey the private key
	 * @return the certificate, or {@code null} if the key is no file or has none
	 */
	public static CertificateSource besideKey(PrivateKeySource privateKey) {
		Path key = (privateKey != null) ? privateKey.path() : null;
		if (key == null || key.getFileName() == null) {
			return null;
		}
		Path certificate = key.resolveSibling(key.getFileName() + "-cert.pub");
		return Files.isRegularFile(certificate) ? CertificateSource.ofPath(certificate) : null;
	}

	/**
	 * Read a user certificate: its first line that is neither empty nor a comment.
	 * @param source the certificate
	 * @param property the property, named in messages
	 * @return the certificate, not yet checked
	 * @throws SshTunnelException with {@link Reason#CERTIFICATE_INVALID} if it cannot be
	 * read or is not an OpenSSH certificate
	 */
	public static OpenSshCertificate read(CertificateSource source, String property) {
		String text;
		try (InputStream input = source.open()) {
			byte[] bytes = input.readNBytes(MAX_SIZE + 1);
			if (bytes.length > MAX_SIZE) {
				throw invalid(source, "is larger than " + (MAX_SIZE / 1024) + " KiB and was not read", property);
			}
			text = new String(bytes, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException | FileNotFoundException ex) {
			throw invalid(source, "does not exist", property);
		}
		catch (AccessDeniedException ex) {
			throw invalid(source, "is not readable by this process", property);
		}
		catch (IOException ex) {
			throw invalid(source, "could not be read: " + ex.getClass().getSimpleName(), property);
		}
		for (String line : text.split("\\R")) {
			String trimmed = line.strip();
			if (trimmed.isEmpty() || trimmed.startsWith("#")) {
				continue;
			}
			PublicKey key;
			try {
				key = PublicKeyEntry.parsePublicKeyEntry(trimmed)
					.resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
			}
			catch (IOException | GeneralSecurityException | RuntimeException ex) {
				throw invalid(source, "is not an OpenSSH certificate line ('<type>-cert-v01@openssh.com AAAA...')",
						property);
			}
			if (!(key instanceof OpenSshCertificate certificate)) {
				throw invalid(source,
						"holds a plain public key (" + KeyUtils.getKeyType(key)
								+ "), not a certificate; sign it with 'ssh-keygen -s <ca> -I <id> -n <user> <key>.pub'",
						property);
			}
			return certificate;
		}
		throw invalid(source, "is empty", property);
	}

	/**
	 * The failure when a certificate is not for the key that would sign with it.
	 * @param source the certificate
	 * @param certificate the certificate read
	 * @param keys what was searched for its key
	 * @param property the property, named in messages
	 * @return the failure
	 */
	public static SshTunnelException notForKey(CertificateSource source, OpenSshCertificate certificate, String keys,
			String property) {
		return new SshTunnelException(Reason.CERTIFICATE_INVALID,
				"SSH user certificate " + source.description() + " (set in " + property + ") certifies key "
						+ PublicKeys.describe(certificate.getCertPubKey()) + ", which is not " + keys,
				"Set " + property + " to the certificate signed for that key (its <key>-cert.pub), or use the key "
						+ "the certificate was signed for.");
	}

	private static SshTunnelException invalid(CertificateSource source, String problem, String property) {
		return new SshTunnelException(Reason.CERTIFICATE_INVALID,
				"SSH user certificate " + source.description() + " (set in " + property + ") " + problem,
				"Set " + property + " to an OpenSSH user certificate (the <key>-cert.pub that 'ssh-keygen -s' "
						+ "writes), as a file: or classpath: location or as its text.");
	}

}

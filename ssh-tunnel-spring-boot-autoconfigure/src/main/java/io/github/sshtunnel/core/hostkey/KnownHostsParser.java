package io.github.sshtunnel.core.hostkey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.hostkey.KnownHosts.Entry;
import io.github.sshtunnel.core.hostkey.KnownHosts.Marker;
import io.github.sshtunnel.core.hostkey.KnownHosts.Snapshot;

/**
 * Parses the content of a known_hosts file as OpenSSH reads it: invalid lines are skipped
 * with a warning that names file and line but never shows the line; only the markers
 * {@code @revoked} and {@code @cert-authority} (in lower case) are known; a file that
 * holds private key material is refused.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class KnownHostsParser {

	/**
	 * Longest line that is considered: an RSA 16384 key takes less than 3,000 characters.
	 */
	public static final int MAX_LINE_LENGTH = 16 * 1024;

	private static final int MAX_WARNINGS = 10;

	private static final Logger logger = LoggerFactory.getLogger(KnownHostsFile.class);

	private static final Pattern PRINTABLE_MARKER = Pattern.compile("@[A-Za-z0-9_.-]{1,32}");

	private final Path path;

	KnownHostsParser(Path path) {
		this.path = path;
	}

	Snapshot parse(byte[] content, BasicFileAttributes attributes) {
		List<Entry> entries = new ArrayList<>();
		int invalid = 0;
		int lineNumber = 0;
		boolean binary = false;
		int start = 0;
		while (start < content.length) {
			int end = start;
			while (end < content.length && content[end] != '\n') {
				end++;
			}
			lineNumber++;
			String problem = null;
			int length = end - start;
			if (length > MAX_LINE_LENGTH) {
				problem = "longer than " + MAX_LINE_LENGTH + " characters";
			}
			else {
				String line = new String(content, start, length, StandardCharsets.UTF_8).strip();
				if (isPrivateKeyMaterial(line)) {
					throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
							"known_hosts file " + this.path + " holds private key material (line " + lineNumber
									+ "); it is not a known_hosts file and was not read",
							"Set " + KnownHostsFile.PROPERTY
									+ " to a known_hosts file (host names and public keys), never to a "
									+ "private key.");
				}
				if (hasControlCharacters(line)) {
					binary = true;
					problem = "binary content";
				}
				else if (!line.isEmpty() && line.charAt(0) != '#') {
					Entry entry = null;
					try {
						entry = parseEntry(lineNumber, line);
					}
					catch (InvalidLineException ex) {
						problem = ex.getMessage();
					}
					if (entry != null) {
						entries.add(entry);
					}
				}
			}
			if (problem != null) {
				invalid++;
				if (invalid <= MAX_WARNINGS) {
					logger.warn("Skipping {}:{} ({}): the line is ignored, as OpenSSH ignores it", this.path,
							lineNumber, problem);
				}
			}
			start = end + 1;
		}
		if (invalid > MAX_WARNINGS) {
			logger.warn("Skipped {} invalid lines of {} in all", invalid, this.path);
		}
		return new Snapshot(true, List.copyOf(entries), invalid, binary, attributes.size(),
				attributes.lastModifiedTime(), attributes.fileKey());
	}

	private static Entry parseEntry(int lineNumber, String line) throws InvalidLineException {
		Marker marker = null;
		if (line.charAt(0) == '@') {
			String word = line.split("\\s", 2)[0];
			if ("@revoked".equals(word)) {
				marker = Marker.REVOKED;
			}
			else if ("@cert-authority".equals(word)) {
				marker = Marker.CERT_AUTHORITY;
			}
			else {
				throw new InvalidLineException(
						"unknown marker" + (PRINTABLE_MARKER.matcher(word).matches() ? " '" + word + "'" : "")
								+ "; OpenSSH knows only @revoked and @cert-authority, in lower case");
			}
		}
		KnownHostEntry entry;
		try {
			entry = KnownHostEntry.parseKnownHostEntry(line);
		}
		catch (RuntimeException ex) {
			// MINA's messages repeat the whole line: never show them
			throw new InvalidLineException("not a known_hosts entry 'host-patterns key-type base64-key'");
		}
		if (entry == null || entry.getKeyEntry() == null
				|| (entry.getHashedEntry() == null && (entry.getPatterns() == null || entry.getPatterns().isEmpty()))) {
			throw new InvalidLineException("not a known_hosts entry 'host-patterns key-type base64-key'");
		}
		PublicKey key;
		try {
			// a key type this client does not know still makes its host "known"
			key = entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.UNSUPPORTED);
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			throw new InvalidLineException("its public key cannot be decoded");
		}
		if (key == null) {
			throw new InvalidLineException("its public key cannot be decoded");
		}
		String[] words = line.split("\\s+", 3);
		String patterns = (entry.getHashedEntry() != null) ? null : words[(marker != null) ? 1 : 0];
		return new Entry(lineNumber, marker, entry, patterns, key, entry.getKeyEntry().getKeyType());
	}

	public static boolean isPrivateKeyMaterial(String line) {
		return ((line.contains("-----BEGIN") || line.contains("-----END")) && line.contains("PRIVATE KEY"))
				|| line.startsWith("PuTTY-User-Key-File-") || line.startsWith("b3BlbnNzaC1rZXktdjE")
				|| line.startsWith("LS0tLS1CRUdJTi");
	}

	private static boolean hasControlCharacters(String line) {
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f || c == '\uFFFD') {
				return true;
			}
		}
		return false;
	}

	private static final class InvalidLineException extends Exception {

		InvalidLineException(String message) {
			super(message, null, false, false);
		}

	}

}

package io.github.sshtunnel.core.hostkey;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.apache.sshd.client.config.hosts.KnownHostEntry;

/**
 * The vocabulary of a known_hosts file: a host as looked up, the valid entries with
 * OpenSSH's host pattern matching, what was read at one time, and a check's verdict.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class KnownHosts {

	private KnownHosts() {
	}

	/**
	 * A host as looked up in the file.
	 *
	 * @param name the canonical host name or address
	 * @param port the port
	 */
	public record HostName(String name, int port) {

		public static HostName of(String host, int port) {
			return new HostName(KnownHostsFile.canonicalHost(host), port);
		}

	}

	/**
	 * The markers OpenSSH knows, in lower case only.
	 */
	public enum Marker {

		REVOKED, CERT_AUTHORITY

	}

	/**
	 * What a known_hosts file says about a presented key.
	 */
	public enum Verdict {

		TRUSTED, REVOKED, CHANGED, UNKNOWN

	}

	/**
	 * The outcome of a check.
	 *
	 * @param verdict the verdict
	 * @param entry the entry that decided it, {@code null} if unknown
	 */
	public record Result(Verdict verdict, Entry entry) {

	}

	/**
	 * A valid line.
	 *
	 * @param line its line number
	 * @param marker its marker, {@code null} if none
	 * @param entry the parsed line
	 * @param patterns its plain host patterns, {@code null} if hashed
	 * @param key its public key
	 * @param keyType its key type
	 */
	public record Entry(int line, Marker marker, KnownHostEntry entry, String patterns, PublicKey key, String keyType) {

		boolean matches(Collection<HostName> hosts) {
			for (HostName host : hosts) {
				try {
					if ((this.patterns != null) ? matchesPatterns(lookupName(host))
							: this.entry.getHashedEntry().isHostMatch(host.name(), host.port())) {
						return true;
					}
				}
				catch (RuntimeException ex) {
					// an entry that cannot be compared does not match
				}
			}
			return false;
		}

		/**
		 * Match as OpenSSH's {@code match_hostname} does: the host as {@code [host]:port}
		 * unless the port is 22, against each comma-separated pattern ({@code *} and
		 * {@code ?} wildcards, {@code !} negates), in lower case.
		 */
		private boolean matchesPatterns(String lookup) {
			boolean matched = false;
			for (String pattern : this.patterns.split(",")) {
				boolean negated = pattern.startsWith("!");
				String glob = (negated ? pattern.substring(1) : pattern).toLowerCase(Locale.ROOT);
				if (!glob.isEmpty() && globMatches(lookup, glob)) {
					if (negated) {
						return false;
					}
					matched = true;
				}
			}
			return matched;
		}

		private static String lookupName(HostName host) {
			String name = host.name().toLowerCase(Locale.ROOT);
			return (host.port() == 22 || host.port() <= 0) ? name : "[" + name + "]:" + host.port();
		}

		private static boolean globMatches(String text, String glob) {
			int t = 0;
			int g = 0;
			int star = -1;
			int resume = 0;
			while (t < text.length()) {
				if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
					t++;
					g++;
				}
				else if (g < glob.length() && glob.charAt(g) == '*') {
					star = g++;
					resume = t;
				}
				else if (star >= 0) {
					g = star + 1;
					t = ++resume;
				}
				else {
					return false;
				}
			}
			while (g < glob.length() && glob.charAt(g) == '*') {
				g++;
			}
			return g == glob.length();
		}

	}

	/**
	 * What was read from the file at one time.
	 */
	record Snapshot(boolean exists, List<Entry> entries, int invalidLines, boolean binary, long size, FileTime modified,
			Object fileKey) {

		static final Snapshot MISSING = new Snapshot(false, List.of(), 0, false, 0, null, null);

		boolean isCurrent(BasicFileAttributes attributes) {
			return this.size == attributes.size() && Objects.equals(this.modified, attributes.lastModifiedTime())
					&& Objects.equals(this.fileKey, attributes.fileKey());
		}

		boolean looksLikeKnownHosts() {
			return !this.binary && (!this.entries.isEmpty() || this.invalidLines == 0);
		}

		String describe() {
			return this.binary ? "binary content" : "no valid entry, " + this.invalidLines + " invalid lines";
		}

	}

}

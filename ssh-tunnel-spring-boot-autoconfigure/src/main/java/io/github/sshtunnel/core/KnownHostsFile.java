package io.github.sshtunnel.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * A known_hosts file read and written the way OpenSSH does it: host names compared in
 * lower case (plain and hashed entries), only the markers {@code @revoked} and
 * {@code @cert-authority} (in lower case), invalid lines skipped with a warning that
 * names file and line but never shows the line, a bounded size, never a file that holds
 * private key material, and new entries appended in one write to a file only its owner
 * can read.
 * <p>
 * The file is read again whenever its size or modification time changes.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class KnownHostsFile {

	/**
	 * Largest known_hosts file that is read: 8 MiB, some 10,000 hosts with several keys
	 * each.
	 */
	static final long MAX_SIZE = 8L * 1024 * 1024;

	/**
	 * Longest line that is considered: an RSA 16384 key takes less than 3,000 characters.
	 */
	static final int MAX_LINE_LENGTH = 16 * 1024;

	private static final int MAX_WARNINGS = 10;

	private static final String PROPERTY = "ssh.tunnel.known-hosts";

	private static final Logger logger = LoggerFactory.getLogger(KnownHostsFile.class);

	private static final Object APPEND_LOCK = new Object();

	private static final Pattern PRINTABLE_MARKER = Pattern.compile("@[A-Za-z0-9_.-]{1,32}");

	private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

	private final Path path;

	private Snapshot snapshot;

	KnownHostsFile(Path path) {
		this.path = Objects.requireNonNull(path, "path");
	}

	Path path() {
		return this.path;
	}

	/**
	 * Return the name under which a host is looked up and recorded: host names in lower
	 * case (as OpenSSH does before any lookup), IP addresses unchanged.
	 * @param host the host name or address
	 * @return the canonical name
	 */
	static String canonicalHost(String host) {
		if (host == null || host.indexOf(':') >= 0 || IPV4.matcher(host).matches()) {
			return host;
		}
		return host.toLowerCase(Locale.ROOT);
	}

	/**
	 * Check a key presented by a host known under any of the given names.
	 * @param hosts the names (host name, address) and port of the server, canonical
	 * @param key the presented key
	 * @return the verdict
	 * @throws SshTunnelException if the file cannot be used
	 */
	Result check(Collection<HostName> hosts, PublicKey key) {
		List<Entry> matches = new ArrayList<>();
		for (Entry entry : read().entries()) {
			if (entry.matches(hosts)) {
				matches.add(entry);
			}
		}
		for (Entry entry : matches) {
			if (entry.marker() == Marker.REVOKED && KeyUtils.compareKeys(entry.key(), key)) {
				return new Result(Verdict.REVOKED, entry);
			}
		}
		Entry expected = null;
		for (Entry entry : matches) {
			if (entry.marker() == null) {
				if (KeyUtils.compareKeys(entry.key(), key)) {
					return new Result(Verdict.TRUSTED, entry);
				}
				if (expected == null || (!expected.keyType().equals(KeyUtils.getKeyType(key))
						&& entry.keyType().equals(KeyUtils.getKeyType(key)))) {
					expected = entry;
				}
			}
		}
		return (expected != null) ? new Result(Verdict.CHANGED, expected) : new Result(Verdict.UNKNOWN, null);
	}

	/**
	 * Return the key types recorded for a host, in file order, without markers.
	 * @param host the host
	 * @return the key types
	 */
	List<String> keyTypes(HostName host) {
		List<String> types = new ArrayList<>();
		for (Entry entry : read().entries()) {
			if (entry.marker() == null && entry.matches(List.of(host)) && !types.contains(entry.keyType())) {
				types.add(entry.keyType());
			}
		}
		return types;
	}

	/**
	 * Check, before connecting, that the file can be read, and with {@code appending}
	 * that it can be appended to, creating its directory (owner only) if needed.
	 * @param appending whether new keys will be appended
	 */
	void checkUsable(boolean appending) {
		if (Files.isDirectory(this.path)) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts location " + this.path + " is a directory",
					"Set " + PROPERTY + " to a known_hosts file.");
		}
		if (Files.exists(this.path) && !Files.isReadable(this.path)) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts file " + this.path + " is not readable",
					"Make the file readable or set " + PROPERTY + " to a readable known_hosts file.");
		}
		Snapshot current = read();
		if (appending) {
			createDirectories();
			checkAppendable(current);
		}
	}

	/**
	 * Append an entry for a newly trusted host key, in one write, creating the file
	 * (owner only) if needed.
	 * @param host the host the key belongs to
	 * @param key the key
	 */
	void append(HostName host, PublicKey key) {
		String line = KnownHostHashValue.createHostPattern(host.name(), host.port()) + " "
				+ PublicKeyEntry.toString(key) + "\n";
		synchronized (APPEND_LOCK) {
			synchronized (this) {
				this.snapshot = null;
			}
			Snapshot current = read();
			checkAppendable(current);
			createDirectories();
			try {
				write(line);
			}
			catch (IOException ex) {
				throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
						"known_hosts file " + this.path + " could not be written: " + ex,
						"Make the file writable or set " + PROPERTY + " to a writable location.", ex);
			}
			finally {
				synchronized (this) {
					this.snapshot = null;
				}
			}
		}
	}

	private void write(String line) throws IOException {
		byte[] entry = line.getBytes(StandardCharsets.UTF_8);
		SeekableByteChannel channel = null;
		try {
			if (!Files.exists(this.path)) {
				try {
					channel = Files.newByteChannel(this.path,
							Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
							ownerOnly("rw-------"));
					setPermissions(this.path, "rw-------");
				}
				catch (FileAlreadyExistsException ex) {
					// created by someone else in the meantime: append to it
				}
			}
			if (channel == null) {
				channel = FileChannel.open(this.path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
			}
			ByteBuffer content = ByteBuffer.wrap(endsWithNewline() ? entry : prefixNewline(entry));
			// one write of the whole line: an append never leaves half a line
			while (content.hasRemaining()) {
				channel.write(content);
			}
			if (channel instanceof FileChannel fileChannel) {
				fileChannel.force(true);
			}
		}
		finally {
			if (channel != null) {
				channel.close();
			}
		}
	}

	private boolean endsWithNewline() throws IOException {
		try (SeekableByteChannel channel = Files.newByteChannel(this.path, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size == 0) {
				return true;
			}
			ByteBuffer last = ByteBuffer.allocate(1);
			channel.position(size - 1);
			channel.read(last);
			return last.get(0) == '\n';
		}
	}

	private static byte[] prefixNewline(byte[] entry) {
		byte[] prefixed = new byte[entry.length + 1];
		prefixed[0] = '\n';
		System.arraycopy(entry, 0, prefixed, 1, entry.length);
		return prefixed;
	}

	private void checkAppendable(Snapshot current) {
		if (current.exists() && (!Files.isRegularFile(this.path) || !current.looksLikeKnownHosts())) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts file " + this.path + " is not a known_hosts file (" + current.describe()
							+ "), and ssh.tunnel.strict-host-key-checking=accept-new would append to it",
					"Set " + PROPERTY + " to a known_hosts file, or to a file that does not exist yet.");
		}
	}

	private void createDirectories() {
		Path parent = this.path.toAbsolutePath().getParent();
		if (parent == null || Files.isDirectory(parent)) {
			return;
		}
		List<Path> missing = new ArrayList<>();
		for (Path directory = parent; directory != null
				&& !Files.exists(directory); directory = directory.getParent()) {
			missing.add(0, directory);
		}
		try {
			for (Path directory : missing) {
				try {
					Files.createDirectory(directory, ownerOnly("rwx------"));
				}
				catch (FileAlreadyExistsException ex) {
					continue;
				}
				setPermissions(directory, "rwx------");
			}
		}
		catch (IOException ex) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"Directory of known_hosts file " + this.path + " could not be created: " + ex.getMessage(),
					"Set " + PROPERTY + " to a writable location.", ex);
		}
	}

	private static FileAttribute<?>[] ownerOnly(String permissions) {
		try {
			return new FileAttribute<?>[] {
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)) };
		}
		catch (UnsupportedOperationException ex) {
			return new FileAttribute<?>[0];
		}
	}

	private static void setPermissions(Path path, String permissions) throws IOException {
		// the umask may have removed more than we asked for, never added: set exactly
		try {
			Set<PosixFilePermission> wanted = PosixFilePermissions.fromString(permissions);
			Files.setPosixFilePermissions(path, wanted);
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: the directory's own access control applies
		}
	}

	/**
	 * Return the file's entries, reading it again if it changed.
	 * @return the entries
	 * @throws SshTunnelException if the file is too large, holds private key material or
	 * cannot be read
	 */
	synchronized Snapshot read() {
		try {
			if (!Files.exists(this.path)) {
				this.snapshot = null;
				return Snapshot.MISSING;
			}
			BasicFileAttributes attributes = Files.readAttributes(this.path, BasicFileAttributes.class);
			if (this.snapshot != null && this.snapshot.isCurrent(attributes)) {
				return this.snapshot;
			}
			if (attributes.size() > MAX_SIZE) {
				throw tooLarge(attributes.size());
			}
			byte[] content;
			try (InputStream input = Files.newInputStream(this.path)) {
				content = input.readNBytes((int) MAX_SIZE + 1);
			}
			if (content.length > MAX_SIZE) {
				throw tooLarge(content.length);
			}
			this.snapshot = parse(content, attributes);
			return this.snapshot;
		}
		catch (IOException ex) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts file " + this.path + " could not be read: " + ex,
					"Fix the file or set " + PROPERTY + " to a readable known_hosts file.", ex);
		}
	}

	private SshTunnelException tooLarge(long size) {
		return new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
				"known_hosts file " + this.path + " is larger than " + (MAX_SIZE / 1024 / 1024) + " MiB (" + size
						+ " bytes or more) and was not read",
				"Set " + PROPERTY + " to a known_hosts file that holds only the hosts this application connects "
						+ "to, or set ssh.tunnel.host-key.");
	}

	private Snapshot parse(byte[] content, BasicFileAttributes attributes) {
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
							"Set " + PROPERTY + " to a known_hosts file (host names and public keys), never to a "
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

	static boolean isPrivateKeyMaterial(String line) {
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

	/**
	 * A host as looked up in the file.
	 *
	 * @param name the canonical host name or address
	 * @param port the port
	 */
	record HostName(String name, int port) {

		static HostName of(String host, int port) {
			return new HostName(canonicalHost(host), port);
		}

	}

	enum Marker {

		REVOKED, CERT_AUTHORITY

	}

	enum Verdict {

		TRUSTED, REVOKED, CHANGED, UNKNOWN

	}

	/**
	 * The outcome of a check.
	 *
	 * @param verdict the verdict
	 * @param entry the entry that decided it, {@code null} if unknown
	 */
	record Result(Verdict verdict, Entry entry) {

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
	record Entry(int line, Marker marker, KnownHostEntry entry, String patterns, PublicKey key, String keyType) {

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

	private static final class InvalidLineException extends Exception {

		InvalidLineException(String message) {
			super(message, null, false, false);
		}

	}

}

package io.github.sshtunnel.core.hostkey;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.hostkey.KnownHosts.Entry;
import io.github.sshtunnel.core.hostkey.KnownHosts.HostName;
import io.github.sshtunnel.core.hostkey.KnownHosts.Marker;
import io.github.sshtunnel.core.hostkey.KnownHosts.Result;
import io.github.sshtunnel.core.hostkey.KnownHosts.Snapshot;
import io.github.sshtunnel.core.hostkey.KnownHosts.Verdict;

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
public final class KnownHostsFile {

	/**
	 * Largest known_hosts file that is read: 8 MiB, some 10,000 hosts with several keys
	 * each.
	 */
	public static final long MAX_SIZE = 8L * 1024 * 1024;

	static final String PROPERTY = "ssh.tunnel.known-hosts";

	private static final Object APPEND_LOCK = new Object();

	private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

	private final Path path;

	private final KnownHostsParser parser;

	private final KnownHostsWriter writer;

	private Snapshot snapshot;

	public KnownHostsFile(Path path) {
		this.path = Objects.requireNonNull(path, "path");
		this.parser = new KnownHostsParser(path);
		this.writer = new KnownHostsWriter(path);
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
	public static String canonicalHost(String host) {
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
	public Result check(Collection<HostName> hosts, PublicKey key) {
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
	 * Return whether a {@code @cert-authority} line matches a host.
	 * @param host the host
	 * @return whether a CA is trusted for it
	 */
	boolean hasCertificateAuthority(HostName host) {
		for (Entry entry : read().entries()) {
			if (entry.marker() == Marker.CERT_AUTHORITY && entry.matches(List.of(host))) {
				return true;
			}
		}
		return false;
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
			this.writer.createDirectories();
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
			this.writer.createDirectories();
			try {
				this.writer.append(line);
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

	private void checkAppendable(Snapshot current) {
		if (current.exists() && (!Files.isRegularFile(this.path) || !current.looksLikeKnownHosts())) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts file " + this.path + " is not a known_hosts file (" + current.describe()
							+ "), and ssh.tunnel.strict-host-key-checking=accept-new would append to it",
					"Set " + PROPERTY + " to a known_hosts file, or to a file that does not exist yet.");
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
			this.snapshot = this.parser.parse(content, attributes);
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

}

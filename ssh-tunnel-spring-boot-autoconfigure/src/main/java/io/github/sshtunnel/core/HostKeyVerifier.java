package io.github.sshtunnel.core;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * Checks the server's host key against a pinned key or fingerprint, or a known_hosts
 * file, and records on the session why a key was refused, so that the connect failure can
 * be reported precisely.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class HostKeyVerifier implements ServerKeyVerifier {

	static final AttributeKey<String> FINGERPRINT = new AttributeKey<>();

	private static final Logger logger = LoggerFactory.getLogger(HostKeyVerifier.class);

	private static final String PIN_PROPERTY = "ssh.tunnel.host-key";

	private final TunnelSettings settings;

	private final PublicKey pinnedKey;

	private final String pinnedFingerprint;

	private final KnownHostsServerKeyVerifier knownHosts;

	private final AtomicReference<SshTunnelException> rejection = new AtomicReference<>();

	HostKeyVerifier(TunnelSettings settings) {
		this.settings = settings;
		String pin = settings.getHostKey();
		if (pin != null && !pin.isBlank()) {
			pin = pin.trim();
			if (pin.regionMatches(true, 0, "SHA256:", 0, 7) || pin.regionMatches(true, 0, "MD5:", 0, 4)) {
				this.pinnedFingerprint = pin;
				this.pinnedKey = null;
			}
			else {
				this.pinnedFingerprint = null;
				this.pinnedKey = parsePublicKey(pin);
			}
			this.knownHosts = null;
		}
		else {
			this.pinnedFingerprint = null;
			this.pinnedKey = null;
			this.knownHosts = (settings.getHostKeyChecking() != HostKeyChecking.NO)
					? new RecordingKnownHostsVerifier(settings) : null;
		}
	}

	/**
	 * Return the key types the client should prefer, as OpenSSH does: the types already
	 * known for this server first, so that a server with several host keys presents one
	 * that can be checked.
	 * @return the preferred key types, most preferred first, possibly empty
	 */
	List<String> preferredKeyTypes() {
		if (this.pinnedKey != null) {
			return List.of(KeyUtils.getKeyType(this.pinnedKey));
		}
		if (this.knownHosts == null) {
			return Collections.emptyList();
		}
		Path file = this.settings.getKnownHosts();
		if (!Files.isReadable(file)) {
			return Collections.emptyList();
		}
		Set<String> types = new LinkedHashSet<>();
		try {
			for (KnownHostEntry entry : KnownHostEntry.readKnownHostEntries(file)) {
				if (entry.getMarker() == null && entry.getKeyEntry() != null
						&& entry.isHostMatch(this.settings.getHost(), this.settings.getPort())) {
					types.add(entry.getKeyEntry().getKeyType());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts file " + file + " could not be read: " + ex.getMessage(),
					"Fix the file or set ssh.tunnel.known-hosts to a readable known_hosts file.", ex);
		}
		return new ArrayList<>(types);
	}

	/**
	 * Check that the configured known_hosts file can be used at all, before connecting.
	 */
	void checkKnownHostsFile() {
		if (this.knownHosts == null) {
			return;
		}
		Path file = this.settings.getKnownHosts();
		if (this.settings.getHostKeyChecking() == HostKeyChecking.ACCEPT_NEW) {
			try {
				Path parent = file.toAbsolutePath().getParent();
				if (parent != null) {
					Files.createDirectories(parent);
				}
			}
			catch (IOException ex) {
				throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
						"Directory of known_hosts file " + file + " could not be created: " + ex.getMessage(),
						"Set ssh.tunnel.known-hosts to a writable location.", ex);
			}
		}
		if (Files.exists(file) && !Files.isReadable(file)) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE, "known_hosts file " + file + " is not readable",
					"Make the file readable or set ssh.tunnel.known-hosts to a readable known_hosts file.");
		}
		if (Files.isDirectory(file)) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts location " + file + " is a directory",
					"Set ssh.tunnel.known-hosts to a known_hosts file.");
		}
	}

	@Override
	public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
		String fingerprint = fingerprint(serverKey);
		session.setAttribute(FINGERPRINT, fingerprint);
		if (this.pinnedKey != null) {
			if (KeyUtils.compareKeys(this.pinnedKey, serverKey)) {
				return true;
			}
			return reject(changedPinned(describe(this.pinnedKey), serverKey));
		}
		if (this.pinnedFingerprint != null) {
			if (Boolean.TRUE.equals(KeyUtils.checkFingerPrint(this.pinnedFingerprint, serverKey).getKey())) {
				return true;
			}
			return reject(changedPinned(this.pinnedFingerprint, serverKey));
		}
		if (this.knownHosts == null) {
			logger.warn("Accepting SSH host key {} of {} without checking it (ssh.tunnel.strict-host-key-checking=no)",
					describe(serverKey), this.settings.getServerDisplayName());
			return true;
		}
		return this.knownHosts.verifyServerKey(session, remoteAddress, serverKey);
	}

	private SshTunnelException changedPinned(String expected, PublicKey actual) {
		return new SshTunnelException(Reason.HOST_KEY_CHANGED,
				"SSH host key of " + this.settings.getServerDisplayName() + " has CHANGED: " + PIN_PROPERTY
						+ " expects " + expected + " but the server presented " + describe(actual)
						+ ". Someone could be eavesdropping on you right now (man-in-the-middle attack), "
						+ "or the server's host key has just been changed.",
				"Verify the server's host key with its administrator; if the change is expected, set " + PIN_PROPERTY
						+ " to the new key or fingerprint.");
	}

	private boolean reject(SshTunnelException rejection) {
		this.rejection.set(rejection);
		return false;
	}

	/**
	 * Forget the outcome of the previous connect attempt. Attempts of one tunnel never
	 * overlap.
	 */
	void reset() {
		this.rejection.set(null);
	}

	/**
	 * Return why the host key of the last attempt was refused.
	 * @return the rejection, or {@code null} if the key was not refused
	 */
	SshTunnelException rejection() {
		return this.rejection.get();
	}

	static String fingerprint(PublicKey key) {
		return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
	}

	static String describe(PublicKey key) {
		return KeyUtils.getKeyType(key) + " " + fingerprint(key);
	}

	private static PublicKey parsePublicKey(String line) {
		String candidate = line;
		for (int attempt = 0; attempt < 2; attempt++) {
			try {
				AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(candidate);
				if (entry != null) {
					PublicKey key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
					if (key != null) {
						return key;
					}
				}
			}
			catch (IOException | GeneralSecurityException | RuntimeException ex) {
				// try again without a leading host name, as in a known_hosts line
			}
			int space = candidate.indexOf(' ');
			if (space < 0) {
				break;
			}
			candidate = candidate.substring(space + 1).trim();
		}
		throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
				"Invalid SSH tunnel configuration: " + PIN_PROPERTY
						+ " is neither a SHA256:... fingerprint nor a public key line such as 'ssh-ed25519 AAAA...'.",
				"Set " + PIN_PROPERTY + " to the output of 'ssh-keygen -lf <host key>.pub' (SHA256:...) "
						+ "or to the public key line of the server.");
	}

	private final class RecordingKnownHostsVerifier extends KnownHostsServerKeyVerifier {

		private final TunnelSettings settings;

		RecordingKnownHostsVerifier(TunnelSettings settings) {
			super((settings.getHostKeyChecking() == HostKeyChecking.ACCEPT_NEW) ? AcceptAllServerKeyVerifier.INSTANCE
					: RejectAllServerKeyVerifier.INSTANCE, settings.getKnownHosts());
			this.settings = settings;
		}

		@Override
		protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remoteAddress,
				PublicKey serverKey) {
			boolean accepted = super.acceptUnknownHostKey(session, remoteAddress, serverKey);
			if (accepted) {
				logger.warn(
						"Trusting new SSH host key {} of {} on first use and adding it to {} "
								+ "(ssh.tunnel.strict-host-key-checking=accept-new)",
						describe(serverKey), this.settings.getServerDisplayName(), getPath());
				return true;
			}
			Path file = getPath();
			String where = Files.exists(file) ? "is not in known_hosts file " + file
					: "cannot be checked: known_hosts file " + file + " does not exist";
			HostKeyVerifier.this.rejection.set(new SshTunnelException(Reason.HOST_KEY_UNKNOWN,
					"SSH host key of " + this.settings.getServerDisplayName() + " (" + describe(serverKey) + ") "
							+ where,
					"Check the fingerprint with the server's administrator, then add the key to the file (ssh-keyscan"
							+ ((this.settings.getPort() != 22) ? " -p " + this.settings.getPort() : "") + " "
							+ this.settings.getHost() + " >> " + file + "), or set ssh.tunnel.known-hosts to a file "
							+ "that has it, or set ssh.tunnel.host-key to its fingerprint; "
							+ "ssh.tunnel.strict-host-key-checking=accept-new trusts it on first use."));
			return false;
		}

		@Override
		public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remoteAddress, KnownHostEntry entry,
				PublicKey expected, PublicKey actual) {
			HostKeyVerifier.this.rejection.set(new SshTunnelException(Reason.HOST_KEY_CHANGED,
					"SSH host key of " + this.settings.getServerDisplayName() + " has CHANGED: known_hosts file "
							+ getPath() + " expects " + describe(expected) + " but the server presented "
							+ describe(actual) + ". Someone could be eavesdropping on you right now "
							+ "(man-in-the-middle attack), or the server's host key has just been changed.",
					"Verify the new host key with the server's administrator; if the change is expected, remove the "
							+ "old entry (ssh-keygen -R '" + this.settings.getServerDisplayName() + "' -f " + getPath()
							+ ") and add the new one, or set ssh.tunnel.known-hosts or " + "ssh.tunnel.host-key."));
			return false;
		}

		@Override
		protected void handleRevokedKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
			HostKeyVerifier.this.rejection.set(new SshTunnelException(Reason.HOST_KEY_REVOKED,
					"SSH host key of " + this.settings.getServerDisplayName() + " (" + describe(serverKey)
							+ ") is marked @revoked in known_hosts file " + getPath(),
					"Do not connect to this server until its administrator has replaced the host key; "
							+ "check ssh.tunnel.host and ssh.tunnel.known-hosts."));
		}

		@Override
		protected boolean acceptIncompleteHostKeys(ClientSession session, SocketAddress remoteAddress,
				PublicKey serverKey, Throwable reason) {
			HostKeyVerifier.this.rejection.set(new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts file " + getPath() + " could not be read: " + reason.getMessage(),
					"Fix the file or set ssh.tunnel.known-hosts to a readable known_hosts file.", reason));
			return false;
		}

	}

}

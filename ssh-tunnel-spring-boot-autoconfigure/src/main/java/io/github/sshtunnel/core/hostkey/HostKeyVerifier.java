package io.github.sshtunnel.core.hostkey;

import java.io.IOException;
import java.net.InetSocketAddress;
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

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.HostKeyChecking;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.core.hostkey.KnownHosts.HostName;
import io.github.sshtunnel.core.hostkey.KnownHosts.Result;
import io.github.sshtunnel.core.keys.KeyStrength;
import io.github.sshtunnel.core.keys.PublicKeys;

/**
 * Checks the server's host key against a pinned key or fingerprint, or a known_hosts
 * file, and records on the session why a key was refused, so that the connect failure can
 * be reported precisely.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class HostKeyVerifier implements ServerKeyVerifier {

	public static final AttributeKey<String> FINGERPRINT = new AttributeKey<>();

	private static final Logger logger = LoggerFactory.getLogger(HostKeyVerifier.class);

	private static final String PIN_PROPERTY = "ssh.tunnel.host-key";

	private static final List<String> CERTIFICATE_KEY_TYPES = List.of(KeyPairProvider.SSH_ED25519_CERT,
			KeyPairProvider.SSH_ECDSA_SHA2_NISTP256_CERT, KeyPairProvider.SSH_ECDSA_SHA2_NISTP384_CERT,
			KeyPairProvider.SSH_ECDSA_SHA2_NISTP521_CERT, KeyPairProvider.SSH_RSA_CERT);

	private final TunnelSettings settings;

	private final PublicKey pinnedKey;

	private final String pinnedFingerprint;

	private final KnownHostsFile knownHosts;

	private final AtomicReference<SshTunnelException> rejection = new AtomicReference<>();

	private final boolean throughTunnel;

	public HostKeyVerifier(TunnelSettings settings) {
		this(settings, false);
	}

	/**
	 * Create the verifier of a server.
	 * @param settings the server's settings
	 * @param throughTunnel whether the server is reached through a jump host (then the
	 * session's own address is a local port: the key is checked under the server's name
	 * and port only)
	 */
	public HostKeyVerifier(TunnelSettings settings, boolean throughTunnel) {
		this.settings = settings;
		this.throughTunnel = throughTunnel;
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
					? new KnownHostsFile(settings.getKnownHosts()) : null;
		}
	}

	/**
	 * Return the key types the client should prefer, as OpenSSH does: the types already
	 * known for this server first, so that a server with several host keys presents one
	 * that can be checked.
	 * @return the preferred key types, most preferred first, possibly empty
	 */
	public List<String> preferredKeyTypes() {
		if (this.pinnedKey != null) {
			return List.of(KeyUtils.getKeyType(this.pinnedKey));
		}
		if (this.knownHosts == null || !Files.isReadable(this.knownHosts.path())) {
			return Collections.emptyList();
		}
		HostName host = HostName.of(this.settings.getHost(), this.settings.getPort());
		List<String> types = new ArrayList<>();
		if (this.knownHosts.hasCertificateAuthority(host)) {
			// a CA is trusted for this host: ask for its certificate first, as OpenSSH
			// does
			types.addAll(CERTIFICATE_KEY_TYPES);
		}
		types.addAll(this.knownHosts.keyTypes(host));
		return types;
	}

	/**
	 * Check that the configured known_hosts file can be used at all, before connecting.
	 */
	public void checkKnownHostsFile() {
		if (this.knownHosts != null) {
			this.knownHosts.checkUsable(this.settings.getHostKeyChecking() == HostKeyChecking.ACCEPT_NEW);
		}
	}

	@Override
	public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
		String fingerprint = fingerprint(serverKey);
		session.setAttribute(FINGERPRINT, fingerprint);
		SshTunnelException weak = KeyStrength.checkHostKey(serverKey, this.settings.getServerDisplayName());
		if (weak != null) {
			return reject(weak);
		}
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
		try {
			return checkKnownHosts(session, remoteAddress, serverKey);
		}
		catch (SshTunnelException ex) {
			return reject(ex);
		}
	}

	private boolean checkKnownHosts(ClientSession session, SocketAddress remoteAddress, PublicKey presentedKey) {
		PublicKey serverKey = presentedKey;
		HostName target = target(session);
		// the name the user gave (in lower case), and the address it resolved to, as
		// MINA's own verifier and OpenSSH's CheckHostIP do
		Set<HostName> names = new LinkedHashSet<>();
		names.add(target);
		if (!this.throughTunnel && remoteAddress instanceof InetSocketAddress inet && inet.getAddress() != null) {
			names.add(HostName.of(inet.getAddress().getHostAddress(), inet.getPort()));
		}
		Path file = this.knownHosts.path();
		SshTunnelException certificateProblem = null;
		OpenSshCertificate certificate = presentedCertificate(session, serverKey);
		if (certificate != null) {
			HostCertificateCheck.Outcome outcome = HostCertificateCheck.check(this.knownHosts, names, target.name(),
					this.settings.getServerDisplayName(), certificate, serverKey instanceof OpenSshCertificate);
			if (outcome.rejection() != null) {
				return reject(outcome.rejection());
			}
			if (outcome.trusted()) {
				return true;
			}
			certificateProblem = outcome.problem();
			serverKey = certificate.getCertPubKey();
		}
		Result result = this.knownHosts.check(names, serverKey);
		if (certificateProblem != null && result.verdict() != KnownHosts.Verdict.TRUSTED) {
			return reject(certificateProblem);
		}
		switch (result.verdict()) {
			case TRUSTED:
				return true;
			case REVOKED:
				return reject(new SshTunnelException(Reason.HOST_KEY_REVOKED,
						"SSH host key of " + this.settings.getServerDisplayName() + " (" + describe(serverKey)
								+ ") is marked @revoked in known_hosts file " + file,
						"Do not connect to this server until its administrator has replaced the host key; "
								+ "check ssh.tunnel.host and ssh.tunnel.known-hosts."));
			case CHANGED:
				return reject(new SshTunnelException(Reason.HOST_KEY_CHANGED,
						"SSH host key of " + this.settings.getServerDisplayName() + " has CHANGED: known_hosts file "
								+ file + " expects " + describe(result.entry().key()) + " (line "
								+ result.entry().line() + ") but the server presented " + describe(serverKey)
								+ ". Someone could be eavesdropping on you right now "
								+ "(man-in-the-middle attack), or the server's host key has just been changed.",
						"Verify the new host key with the server's administrator; if the change is expected, remove "
								+ "the old entry (ssh-keygen -R '" + this.settings.getServerDisplayName() + "' -f "
								+ file + ") and add the new one, or set ssh.tunnel.known-hosts or "
								+ "ssh.tunnel.host-key."));
			default:
				break;
		}
		if (this.settings.getHostKeyChecking() == HostKeyChecking.ACCEPT_NEW) {
			this.knownHosts.append(target, serverKey);
			logger.warn(
					"Trusting new SSH host key {} of {} on first use and adding it to {} "
							+ "(ssh.tunnel.strict-host-key-checking=accept-new)",
					describe(serverKey), this.settings.getServerDisplayName(), file);
			return true;
		}
		String where = Files.exists(file) ? "is not in known_hosts file " + file
				: "cannot be checked: known_hosts file " + file + " does not exist";
		return reject(new SshTunnelException(Reason.HOST_KEY_UNKNOWN,
				"SSH host key of " + this.settings.getServerDisplayName() + " (" + describe(serverKey) + ") " + where,
				"Check the fingerprint with the server's administrator, then add the key to the file (ssh-keyscan"
						+ ((this.settings.getPort() != 22) ? " -p " + this.settings.getPort() : "") + " "
						+ this.settings.getHost() + " >> " + file + "), or set ssh.tunnel.known-hosts to a file "
						+ "that has it, or set ssh.tunnel.host-key to its fingerprint; "
						+ "ssh.tunnel.strict-host-key-checking=accept-new trusts it on first use."));
	}

	/**
	 * Return the host certificate the server presented: the key itself when the key
	 * exchange accepted it, else the one it refused and replaced by its plain key.
	 */
	private static OpenSshCertificate presentedCertificate(ClientSession session, PublicKey serverKey) {
		if (serverKey instanceof OpenSshCertificate certificate) {
			return certificate;
		}
		String algorithm = session.getNegotiatedKexParameter(KexProposalOption.SERVERKEYS);
		return (algorithm != null && KeyUtils.isCertificateAlgorithm(algorithm))
				? session.getAttribute(HostCertificates.PRESENTED) : null;
	}

	/**
	 * Return the host the session was opened to (for a jump host, the hop itself), under
	 * the name known_hosts uses for it.
	 */
	private HostName target(ClientSession session) {
		if (this.throughTunnel) {
			return HostName.of(this.settings.getHost(), this.settings.getPort());
		}
		SocketAddress connectAddress = session.getConnectAddress();
		if (connectAddress instanceof InetSocketAddress inet) {
			return HostName.of(inet.getHostString(), inet.getPort());
		}
		if (connectAddress instanceof SshdSocketAddress sshd) {
			return HostName.of(sshd.getHostName(), sshd.getPort());
		}
		return HostName.of(this.settings.getHost(), this.settings.getPort());
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
	public void reset() {
		this.rejection.set(null);
	}

	/**
	 * Return why the host key of the last attempt was refused.
	 * @return the rejection, or {@code null} if the key was not refused
	 */
	public SshTunnelException rejection() {
		return this.rejection.get();
	}

	private static String fingerprint(PublicKey key) {
		return PublicKeys.fingerprint(key);
	}

	private static String describe(PublicKey key) {
		return PublicKeys.describe(key);
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

}

package io.github.sshtunnel.core.hostkey;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.hostkey.KnownHosts.Entry;
import io.github.sshtunnel.core.hostkey.KnownHosts.HostName;
import io.github.sshtunnel.core.hostkey.KnownHosts.Marker;
import io.github.sshtunnel.core.hostkey.KnownHosts.Result;
import io.github.sshtunnel.core.hostkey.KnownHosts.Verdict;
import io.github.sshtunnel.core.keys.PublicKeys;

/**
 * Checks a host certificate against the {@code @cert-authority} and {@code @revoked}
 * lines of known_hosts, as OpenSSH's {@code check_host_key} does: a revoked CA or host
 * key refuses the host; a certificate signed by a CA trusted for the host and valid for
 * it is trusted; otherwise the plain key inside the certificate is checked like any host
 * key, and if that fails too, the certificate's problem is reported.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class HostCertificateCheck {

	private HostCertificateCheck() {
	}

	/**
	 * Check a presented host certificate.
	 * @param file the known_hosts file
	 * @param names the names of the host
	 * @param host the host name as connected, compared with the principals
	 * @param display the server as messages name it
	 * @param certificate the certificate
	 * @param acceptedByKex whether the key exchange found its signature, type, validity
	 * and principals right
	 * @return the outcome
	 */
	static Outcome check(KnownHostsFile file, Collection<HostName> names, String host, String display,
			OpenSshCertificate certificate, boolean acceptedByKex) {
		Path path = file.path();
		String subject = "SSH host certificate of " + display + " (key ID '" + certificate.getId() + "', "
				+ PublicKeys.describe(certificate.getCertPubKey()) + ")";
		Result ca = file.check(names, certificate.getCaPubKey());
		if (ca.verdict() == Verdict.REVOKED) {
			return new Outcome(false,
					revoked(subject + " is signed by a revoked CA (" + PublicKeys.describe(certificate.getCaPubKey())
							+ ", marked @revoked in known_hosts file " + path + " line " + ca.entry().line() + ")"),
					null);
		}
		Result key = file.check(names, certificate.getCertPubKey());
		if (key.verdict() == Verdict.REVOKED) {
			return new Outcome(false, revoked(subject + " certifies a host key marked @revoked in known_hosts file "
					+ path + " line " + key.entry().line()), null);
		}
		Entry authority = null;
		for (Entry entry : file.read().entries()) {
			if (entry.marker() == Marker.CERT_AUTHORITY && entry.matches(names)
					&& KeyUtils.compareKeys(entry.key(), certificate.getCaPubKey())) {
				authority = entry;
				break;
			}
		}
		if (authority == null) {
			// no CA is trusted for this host: OpenSSH goes on with the plain key
			return new Outcome(false, null, null);
		}
		String problem = HostCertificates.problem(certificate, host, Instant.now());
		if (problem == null && !acceptedByKex) {
			problem = "has an invalid CA signature or an unknown critical option";
		}
		if (problem == null) {
			return new Outcome(true, null, null);
		}
		return new Outcome(false, null,
				new SshTunnelException(Reason.HOST_CERTIFICATE_INVALID,
						subject + ", signed by the CA trusted in " + "known_hosts file " + path + " line "
								+ authority.line() + ", " + problem + "; its plain host key is not in the file either",
						"Have the server's host certificate signed again for the name in ssh.tunnel.host ('ssh-keygen "
								+ "-s <host_ca> -I <id> -h -n " + host + " <host key>.pub'), or set "
								+ "ssh.tunnel.host to a name the certificate is valid for, or add the plain host "
								+ "key to ssh.tunnel.known-hosts."));
	}

	private static SshTunnelException revoked(String message) {
		return new SshTunnelException(Reason.HOST_KEY_REVOKED, message,
				"Do not connect to this server until its administrator has replaced the host key or certificate; "
						+ "check ssh.tunnel.host and ssh.tunnel.known-hosts.");
	}

	/**
	 * What the certificate decides.
	 *
	 * @param trusted whether the certificate makes the host trusted
	 * @param rejection why the host is refused whatever its plain key is, or {@code null}
	 * @param problem what to report if the plain key is not trusted either, or
	 * {@code null} when no CA vouches for the host
	 */
	record Outcome(boolean trusted, SshTunnelException rejection, SshTunnelException problem) {

	}

}

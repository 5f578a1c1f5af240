package io.github.sshtunnel.core.keys;

import java.time.Instant;
import java.util.Collection;

import org.apache.sshd.common.config.keys.OpenSshCertificate;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * Checks an OpenSSH certificate as its verifier will: its type, its validity period and
 * its principals. Validity has no clock-skew allowance, as in OpenSSH: {@code sshd}
 * refuses a user certificate outside its period by its own clock, and {@code ssh-keygen
 * -V -5m:+1d} already back-dates the start. An empty principals list means any principal,
 * as in OpenSSH.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class CertificateCheck {

	private CertificateCheck() {
	}

	/**
	 * Check a user certificate before connecting.
	 * @param certificate the certificate
	 * @param description where it comes from, safe to show
	 * @param username the user name it must be valid for
	 * @param now the time to check against
	 * @param property the property that sets it, named in messages
	 * @throws SshTunnelException with {@link Reason#CERTIFICATE_INVALID} saying which
	 * check failed
	 */
	public static void check(OpenSshCertificate certificate, String description, String username, Instant now,
			String property) {
		String subject = "SSH user certificate " + description + " (set in " + property + ", key ID '"
				+ certificate.getId() + "')";
		String fix = "Set " + property + " to a valid certificate, or have it signed again ('ssh-keygen -s <ca> -I "
				+ "<id> -n " + username + " -V -5m:+1d <key>.pub').";
		if (certificate.getType() != OpenSshCertificate.Type.USER) {
			throw new SshTunnelException(Reason.CERTIFICATE_INVALID,
					subject + " is a " + certificate.getType().name().toLowerCase() + " certificate, not a user "
							+ "certificate",
					"Set " + property + " to a user certificate ('ssh-keygen -s' without -h).");
		}
		String problem = validity(certificate, now);
		if (problem != null) {
			throw new SshTunnelException(Reason.CERTIFICATE_INVALID, subject + " " + problem, fix);
		}
		Collection<String> principals = certificate.getPrincipals();
		if (principals != null && !principals.isEmpty() && !principals.contains(username)) {
			throw new SshTunnelException(Reason.CERTIFICATE_INVALID,
					subject + " is not valid for user '" + username + "': its principals are " + principals,
					"Set ssh.tunnel.username to one of " + principals + ", or " + fix.substring(0, 1).toLowerCase()
							+ fix.substring(1));
		}
	}

	/**
	 * Return why a certificate is not valid at a time, with its period.
	 * @param certificate the certificate
	 * @param now the time
	 * @return the problem ("expired ...", "is not valid before ..."), or {@code null}
	 */
	public static String validity(OpenSshCertificate certificate, Instant now) {
		long seconds = now.getEpochSecond();
		long after = certificate.getValidAfter();
		long before = certificate.getValidBefore();
		// the period is [valid-after, valid-before), in unsigned seconds
		if (Long.compareUnsigned(seconds, after) < 0) {
			return "is not valid yet: valid from " + time(after) + " to " + time(before) + ", and it is now "
					+ Instant.ofEpochSecond(seconds) + " (check this machine's clock)";
		}
		if (Long.compareUnsigned(seconds, before) >= 0) {
			return "expired at " + time(before) + " (valid from " + time(after) + "; it is now "
					+ Instant.ofEpochSecond(seconds) + ")";
		}
		return null;
	}

	private static String time(long epochSecond) {
		if (epochSecond == OpenSshCertificate.INFINITY || epochSecond < 0) {
			return "forever";
		}
		return Instant.ofEpochSecond(epochSecond).toString();
	}

}

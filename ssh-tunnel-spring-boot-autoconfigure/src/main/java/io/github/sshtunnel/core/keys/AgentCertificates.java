package io.github.sshtunnel.core.keys;

import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

import io.github.sshtunnel.core.CertificateSource;

/**
 * A configured user certificate used with the matching key of an ssh-agent, when no
 * private key is set: checked like any certificate, offered first, signed by the agent
 * with its plain key.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class AgentCertificates {

	private AgentCertificates() {
	}

	/**
	 * Return the agent's keys with the certificate first, after checking it and that the
	 * agent holds its key.
	 * @param agent the connected agent
	 * @param agentKeys the keys it lists
	 * @param certificate the configured certificate
	 * @param username the user name it must be valid for
	 * @param property the certificate's property, named in messages
	 * @return the keys to offer
	 * @throws io.github.sshtunnel.core.SshTunnelException with reason
	 * {@code CERTIFICATE_INVALID} if the certificate cannot be used
	 */
	public static List<PublicKey> withCertificate(AgentClient agent, List<PublicKey> agentKeys,
			CertificateSource certificate, String username, String property) {
		OpenSshCertificate loaded = UserCertificates.read(certificate, property);
		CertificateCheck.check(loaded, certificate.description(), username, Instant.now(), property);
		boolean held = false;
		for (PublicKey key : agentKeys) {
			PublicKey plain = (key instanceof OpenSshCertificate other) ? other.getCertPubKey() : key;
			held |= KeyUtils.compareKeys(plain, loaded.getCertPubKey());
		}
		if (!held) {
			throw UserCertificates.notForKey(certificate, loaded,
					"among the " + agentKeys.size() + " keys of ssh-agent " + agent.socket(), property);
		}
		agent.certify(loaded);
		List<PublicKey> keys = new ArrayList<>();
		keys.add(loaded);
		keys.addAll(agentKeys);
		return keys;
	}

}

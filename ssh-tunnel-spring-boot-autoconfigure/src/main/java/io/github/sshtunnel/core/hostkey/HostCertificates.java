package io.github.sshtunnel.core.hostkey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.sshd.client.kex.DHGClient;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.DHFactory;
import org.apache.sshd.common.kex.KeyExchange;
import org.apache.sshd.common.kex.KeyExchangeFactory;
import org.apache.sshd.common.session.Session;

import io.github.sshtunnel.core.keys.CertificateCheck;

/**
 * Host certificates as the key exchange sees them. MINA checks a presented host
 * certificate (CA signature, type, validity, principals) and, when it is invalid, goes on
 * with the plain key inside it, as OpenSSH does; the key exchanges made here also keep
 * the certificate on the session, so that the host-key check can say what was wrong with
 * it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class HostCertificates {

	/**
	 * The host certificate the server presented in the last key exchange.
	 */
	static final AttributeKey<OpenSshCertificate> PRESENTED = new AttributeKey<>();

	private HostCertificates() {
	}

	/**
	 * Return the key exchanges with those of MINA's Diffie-Hellman family replaced by
	 * ones that keep a presented host certificate on the session; group exchanges are
	 * kept as they are.
	 * @param factories the client's key exchanges
	 * @return the key exchanges to use
	 */
	public static List<KeyExchangeFactory> keepingCertificates(List<KeyExchangeFactory> factories) {
		List<KeyExchangeFactory> result = new ArrayList<>();
		for (KeyExchangeFactory factory : factories) {
			BuiltinDHFactories dh = BuiltinDHFactories.fromFactoryName(factory.getName());
			result.add((dh != null && !dh.isGroupExchange()) ? new Keeping(dh) : factory);
		}
		return result;
	}

	/**
	 * Return what is wrong with a host certificate for a host, checked as OpenSSH does
	 * (no clock-skew allowance; principals compared with the host name as connected).
	 * @param certificate the certificate
	 * @param host the host name as connected
	 * @param now the time
	 * @return the problem, or {@code null} if type, validity and principals are right
	 */
	static String problem(OpenSshCertificate certificate, String host, Instant now) {
		if (certificate.getType() != OpenSshCertificate.Type.HOST) {
			return "is a user certificate, not a host certificate";
		}
		String validity = CertificateCheck.validity(certificate, now);
		if (validity != null) {
			return validity;
		}
		Collection<String> principals = certificate.getPrincipals();
		if (principals == null || principals.isEmpty()) {
			return "has no principals (OpenSSH 10.3 and MINA refuse such host certificates)";
		}
		if (!principals.contains(host)) {
			return "is not valid for host name " + host + ": principal " + host + " not in certificate " + principals;
		}
		return null;
	}

	private static final class Keeping implements KeyExchangeFactory {

		private final BuiltinDHFactories dh;

		Keeping(BuiltinDHFactories dh) {
			this.dh = dh;
		}

		@Override
		public String getName() {
			return this.dh.getName();
		}

		@Override
		public KeyExchange createKeyExchange(Session session) throws Exception {
			return new KeepingClient(this.dh, session);
		}

	}

	private static final class KeepingClient extends DHGClient {

		KeepingClient(DHFactory factory, Session session) {
			super(factory, session);
		}

		@Override
		protected void verifyCertificate(Session session, OpenSshCertificate certificate) throws Exception {
			session.setAttribute(PRESENTED, certificate);
			super.verifyCertificate(session, certificate);
		}

	}

}

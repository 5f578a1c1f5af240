package io.github.sshtunnel.core.keys;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.auth.pubkey.KeyAgentIdentity;
import org.apache.sshd.client.auth.pubkey.KeyPairIdentity;
import org.apache.sshd.client.auth.pubkey.PublicKeyIdentity;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.signature.SignatureFactoriesManager;

/**
 * Public-key authentication that offers the configured private keys first and the keys of
 * an {@code ssh-agent} after them, as OpenSSH does with {@code IdentityFile} and
 * {@code IdentityAgent} (MINA offers agent keys first), and that counts the keys it
 * offered. It signs with user certificates too. The agent and its keys are set on the
 * session with {@link #use(ClientSession, AgentClient, List)} before authenticating.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class AgentAuthentication extends UserAuthPublicKeyFactory {

	private static final AttributeKey<Agent> AGENT = new AttributeKey<>();

	private static final AttributeKey<AtomicInteger> OFFERED = new AttributeKey<>();

	/**
	 * Create the factory.
	 * @param signatures the signature algorithms for plain keys, in order of preference;
	 * their certificate forms are added
	 */
	public AgentAuthentication(List<BuiltinSignatures> signatures) {
		super(withCertificates(signatures));
	}

	/**
	 * Let a session's authentication use an agent's keys after its own.
	 * @param session the session, before authentication
	 * @param agent the connected agent
	 * @param keys the agent's keys, as listed
	 * @return the count of public keys the session offers to the server; keep it, since
	 * MINA clears a session's attributes when the server closes it (as sshd does after
	 * {@code MaxAuthTries})
	 */
	public static AtomicInteger use(ClientSession session, AgentClient agent, List<PublicKey> keys) {
		AtomicInteger offered = new AtomicInteger();
		session.setAttribute(AGENT, new Agent(agent, List.copyOf(keys)));
		session.setAttribute(OFFERED, offered);
		return offered;
	}

	@Override
	public UserAuthPublicKey createUserAuth(ClientSession session) throws IOException {
		return new UserAuthPublicKey(getSignatureFactories()) {

			@Override
			protected Iterator<PublicKeyIdentity> createPublicKeyIterator(ClientSession session,
					SignatureFactoriesManager manager) throws Exception {
				return identities(session, manager);
			}

		};
	}

	private static Iterator<PublicKeyIdentity> identities(ClientSession session, SignatureFactoriesManager manager)
			throws Exception {
		List<PublicKeyIdentity> identities = new ArrayList<>();
		for (KeyPair key : ClientSession.providerOf(session).loadKeys(session)) {
			identities.add(new KeyPairIdentity(manager, session, key));
		}
		Agent agent = session.getAttribute(AGENT);
		if (agent != null) {
			for (PublicKey key : agent.keys()) {
				identities.add(new KeyAgentIdentity(agent.client(), key, null));
			}
		}
		AtomicInteger offered = session.getAttribute(OFFERED);
		Iterator<PublicKeyIdentity> all = identities.iterator();
		return new Iterator<>() {

			@Override
			public boolean hasNext() {
				return all.hasNext();
			}

			@Override
			public PublicKeyIdentity next() {
				if (!all.hasNext()) {
					throw new NoSuchElementException();
				}
				if (offered != null) {
					offered.incrementAndGet();
				}
				return all.next();
			}

		};
	}

	private static List<NamedFactory<Signature>> withCertificates(List<BuiltinSignatures> signatures) {
		List<NamedFactory<Signature>> result = new ArrayList<>();
		for (BuiltinSignatures signature : signatures) {
			BuiltinSignatures certificate = certificateOf(signature);
			if (certificate != null && certificate.isSupported()) {
				result.add(certificate);
			}
		}
		for (BuiltinSignatures signature : signatures) {
			if (signature.isSupported()) {
				result.add(signature);
			}
		}
		return result;
	}

	private static BuiltinSignatures certificateOf(BuiltinSignatures signature) {
		return switch (signature) {
			case ed25519 -> BuiltinSignatures.ed25519_cert;
			case nistp256 -> BuiltinSignatures.nistp256_cert;
			case nistp384 -> BuiltinSignatures.nistp384_cert;
			case nistp521 -> BuiltinSignatures.nistp521_cert;
			case rsaSHA512 -> BuiltinSignatures.rsaSHA512_cert;
			case rsaSHA256 -> BuiltinSignatures.rsaSHA256_cert;
			default -> null;
		};
	}

	private record Agent(AgentClient client, List<PublicKey> keys) {
	}

}

package io.github.sshtunnel.core.keys;

import java.security.KeyPair;
import java.security.PublicKey;

import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractive;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.password.PasswordAuthenticationReporter;
import org.apache.sshd.client.auth.pubkey.PublicKeyAuthenticationReporter;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.Buffer;

import io.github.sshtunnel.core.AuthenticationUsed;

/**
 * Records which authentication method logged a session in, and with which key: MINA
 * reports a successful {@code publickey} or {@code password} login to the session's
 * reporters; {@code keyboard-interactive} is reported by the method created by
 * {@link #keyboardInteractive()}. Only the method name and a public key's fingerprint are
 * kept, never a password or a private key.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class AuthenticationRecorder implements PublicKeyAuthenticationReporter, PasswordAuthenticationReporter {

	/**
	 * How the session logged in, once it has.
	 */
	public static final AttributeKey<AuthenticationUsed> USED = new AttributeKey<>();

	private static final AttributeKey<AuthenticationRecorder> RECORDER = new AttributeKey<>();

	private volatile AuthenticationUsed used;

	private AuthenticationRecorder() {
	}

	/**
	 * Record the login of a session that has not authenticated yet.
	 * @param session the session
	 */
	public static void install(ClientSession session) {
		AuthenticationRecorder recorder = new AuthenticationRecorder();
		session.setAttribute(RECORDER, recorder);
		session.setPublicKeyAuthenticationReporter(recorder);
		session.setPasswordAuthenticationReporter(recorder);
	}

	/**
	 * Keep what was recorded as the session's {@link #USED} attribute, once the session
	 * is authenticated.
	 * @param session the authenticated session
	 */
	public static void authenticated(ClientSession session) {
		AuthenticationRecorder recorder = session.getAttribute(RECORDER);
		if (recorder != null && recorder.used != null) {
			session.setAttribute(USED, recorder.used);
		}
	}

	/**
	 * Return the {@code keyboard-interactive} method that reports its success.
	 * @return the factory
	 */
	public static UserAuthFactory keyboardInteractive() {
		return new UserAuthKeyboardInteractiveFactory() {

			@Override
			public UserAuthKeyboardInteractive createUserAuth(ClientSession session) {
				return new UserAuthKeyboardInteractive() {

					@Override
					public void signalAuthMethodSuccess(ClientSession authenticated, String service, Buffer buffer)
							throws Exception {
						super.signalAuthMethodSuccess(authenticated, service, buffer);
						AuthenticationRecorder recorder = authenticated.getAttribute(RECORDER);
						if (recorder != null) {
							recorder.used = new AuthenticationUsed(NAME, null);
						}
					}

				};
			}

		};
	}

	@Override
	public void signalAuthenticationSuccess(ClientSession session, String service, KeyPair identity) {
		PublicKey key = (identity != null) ? identity.getPublic() : null;
		if (key instanceof OpenSshCertificate certificate) {
			key = certificate.getCertPubKey();
		}
		this.used = new AuthenticationUsed("publickey", (key != null) ? KeyUtils.getFingerPrint(key) : null);
	}

	@Override
	public void signalAuthenticationExhausted(ClientSession session, String service) {
		// nothing to record: the login failed
	}

	@Override
	public void signalAuthenticationSuccess(ClientSession session, String service, String password) {
		this.used = new AuthenticationUsed("password", null);
	}

}

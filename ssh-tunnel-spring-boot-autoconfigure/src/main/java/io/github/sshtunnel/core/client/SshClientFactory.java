package io.github.sshtunnel.core.client;

import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.UserAuthFactory;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.auth.password.PasswordIdentityProvider;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.Property;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.kex.BuiltinDHFactories;
import org.apache.sshd.common.kex.BuiltinKEM;
import org.apache.sshd.common.kex.KeyEncapsulationMethod;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.core.hostkey.HostCertificates;
import io.github.sshtunnel.core.keys.AgentAuthentication;
import io.github.sshtunnel.core.keys.AuthenticationRecorder;
import io.github.sshtunnel.core.keys.UnattendedInteraction;

/**
 * Builds the MINA client of a tunnel with safe defaults, then lets the customizers change
 * any of them: nothing implicit ({@code ~/.ssh/config} and {@code ~/.ssh/id_*} are never
 * read, an agent only when configured), the tunnel's own host-key verifier, AES-GCM
 * first, host-key algorithms ed25519, ECDSA, RSA with SHA-2 (no SHA-1; host certificates
 * first when known_hosts trusts a CA for the server), a configured ssh-agent's keys after
 * the private key, every wait bounded by {@code connect-timeout}, MINA's idle timeout and
 * heartbeat off (the tunnel has its own keepalive), {@code TCP_NODELAY} on.
 * <p>
 * The host-key algorithms are ordered per session, as OpenSSH does (the key types known
 * for the server first), unless a customizer chose its own: customizers always have the
 * last word.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshClientFactory {

	/**
	 * Bytes read from the SSH socket at once.
	 */
	static final int READ_BUFFER_SIZE = 256 * 1024;

	private static final Logger logger = LoggerFactory.getLogger(SshClientFactory.class);

	private static final Duration STOP_WAIT = Duration.ofSeconds(5);

	private static final List<BuiltinCiphers> CIPHERS = List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm,
			BuiltinCiphers.aes128ctr, BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr,
			BuiltinCiphers.cc20p1305_openssh);

	private static final List<BuiltinSignatures> SIGNATURES = List.of(BuiltinSignatures.ed25519,
			BuiltinSignatures.nistp256, BuiltinSignatures.nistp384, BuiltinSignatures.nistp521,
			BuiltinSignatures.rsaSHA512, BuiltinSignatures.rsaSHA256);

	private static final List<BuiltinSignatures> CERTIFICATE_SIGNATURES = List.of(BuiltinSignatures.ed25519_cert,
			BuiltinSignatures.nistp256_cert, BuiltinSignatures.nistp384_cert, BuiltinSignatures.nistp521_cert,
			BuiltinSignatures.rsaSHA512_cert, BuiltinSignatures.rsaSHA256_cert);

	private SshClientFactory() {
	}

	/**
	 * Create the client (not started).
	 * @param settings the tunnel's settings
	 * @param threads the tunnel's threads: the SSH socket runs on its I/O threads
	 * @param verifier the host-key verifier
	 * @param preferredKeyTypes the key types known for the server, read at each connect
	 * @param sessionListener the tunnel's listener of session events
	 * @param customizers applied last, in order
	 * @return the client
	 */
	public static SshClient create(TunnelSettings settings, TunnelThreads threads, ServerKeyVerifier verifier,
			Supplier<List<String>> preferredKeyTypes, SessionListener sessionListener,
			List<SshClientCustomizer> customizers) {
		SshClient client = SshClient.setUpDefaultClient();
		// the SSH socket shares the local sockets' threads (measured in
		// docs/performance.md: more throughput and less CPU per byte than a group each)
		client.setIoServiceFactoryFactory(
				new TunnelIoServiceFactoryFactory(threads.channelGroup(), threads.resumeTasks()));
		client.setServerKeyVerifier(verifier);
		client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
		client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
		client.setPasswordIdentityProvider(PasswordIdentityProvider.EMPTY_PASSWORDS_PROVIDER);
		// a single password prompt is answered by MINA; every other question fails at
		// once
		client.setUserInteraction(new UnattendedInteraction());
		// the private key before the agent's keys, and user certificates (from a file or
		// the agent): MINA's default offers no certificate signature algorithm
		List<UserAuthFactory> userAuthFactories = new ArrayList<>();
		List<UserAuthFactory> defaults = client.getUserAuthFactories();
		for (UserAuthFactory factory : (defaults != null && !defaults.isEmpty()) ? defaults
				: SshClient.DEFAULT_USER_AUTH_FACTORIES) {
			if (UserAuthPublicKeyFactory.NAME.equals(factory.getName())) {
				userAuthFactories.add(new AgentAuthentication(SIGNATURES));
			}
			else if (UserAuthKeyboardInteractiveFactory.NAME.equals(factory.getName())) {
				// reports its success (health: which method logged in)
				userAuthFactories.add(AuthenticationRecorder.keyboardInteractive());
			}
			else {
				userAuthFactories.add(factory);
			}
		}
		client.setUserAuthFactories(userAuthFactories);
		List<NamedFactory<Cipher>> ciphers = new ArrayList<>();
		for (BuiltinCiphers cipher : CIPHERS) {
			if (cipher.isSupported()) {
				ciphers.add(cipher);
			}
		}
		client.setCipherFactories(ciphers);
		// a host certificate that is not valid for the host: go on with its plain key,
		// as OpenSSH does, keeping the certificate to explain a refusal
		client.setKeyExchangeFactories(HostCertificates.keepingCertificates(client.getKeyExchangeFactories()));
		CoreModuleProperties.ABORT_ON_INVALID_CERTIFICATE.set(client, false);
		List<NamedFactory<Signature>> defaultSignatures = signatures(List.of());
		client.setSignatureFactories(defaultSignatures);
		Duration timeout = settings.getConnectTimeout();
		CoreModuleProperties.IO_CONNECT_TIMEOUT.set(client, timeout);
		CoreModuleProperties.AUTH_TIMEOUT.set(client, timeout);
		CoreModuleProperties.CHANNEL_OPEN_TIMEOUT.set(client, timeout);
		CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
		CoreModuleProperties.STOP_WAIT_TIME.set(client, STOP_WAIT);
		// with Nagle on the SSH socket, a small write after another one waits up to 40 ms
		// for the server's delayed ACK, on every new forwarded connection and in the key
		// exchange (docs/performance.md); the I/O factory acknowledges at once for the
		// same reason in the other direction
		CoreModuleProperties.TCP_NODELAY.set(client, true);
		// keepalive is the tunnel's own (KeepaliveWatchdog): MINA's heartbeat does not
		// count missing replies during a key exchange, so a stuck one went unnoticed
		CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ZERO);
		// re-key as OpenSSH does (RFC 4344: every 2^32 cipher blocks, 64 GiB with AES,
		// 1 GiB with ChaCha20), not after every GiB whatever the cipher: at tunnel speeds
		// that meant a post-quantum key exchange every second (docs/performance.md); the
		// packet limit and the hourly re-key stay
		CoreModuleProperties.REKEY_BYTES_LIMIT.set(client, 0L);
		// read the SSH socket in large chunks, as OpenSSH does (up to 256 KiB): several
		// packets per system call, and their local writes batched per read (ReadCycle)
		CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(client, READ_BUFFER_SIZE);
		// MINA looks these up for every read and every packet written, or for every
		// channel; a value the client does not hold is searched for down to the system
		// properties, building and hashing a property name each time (4% of the I/O
		// thread's samples, Java 17: docs/performance.md). Holding the value found now (a
		// system property, or MINA's default) ends each lookup at the client's own map
		holdResolved(client, CoreModuleProperties.NIO2_READ_TIMEOUT);
		holdResolved(client, CoreModuleProperties.NIO2_MIN_WRITE_TIMEOUT);
		holdResolved(client, CoreModuleProperties.MAX_CONCURRENT_CHANNELS);
		holdResolved(client, CoreModuleProperties.WINDOW_SIZE);
		holdResolved(client, CoreModuleProperties.MAX_PACKET_SIZE);
		holdResolved(client, CoreModuleProperties.LIMIT_PACKET_SIZE);
		holdResolved(client, CoreModuleProperties.CHANNEL_CLOSE_TIMEOUT);
		client.addSessionListener(sessionListener);
		client.addSessionListener(new SessionListener() {

			@Override
			public void sessionCreated(Session session) {
				// before the session sends its first key-exchange message
				if (client.getSignatureFactories() == defaultSignatures) {
					session.setSignatureFactories(signatures(preferredKeyTypes.get()));
				}
			}

		});
		for (SshClientCustomizer customizer : customizers) {
			customizer.customize(client);
		}
		return client;
	}

	private static <T> void holdResolved(SshClient client, Property<T> property) {
		property.set(client, property.getRequired(client));
	}

	/**
	 * Do ahead of time the one-off work that otherwise makes the first session in a JVM
	 * slow: registering the security providers (Bouncy Castle), loading the SSH client's
	 * classes and running the post-quantum key generation once. No network, no threads
	 * left behind; safe to call from several threads and more than once.
	 */
	public static void preinitialize() {
		try {
			SecurityUtils.isBouncyCastleRegistered();
			SshClient.setUpDefaultClient();
			for (BuiltinCiphers cipher : CIPHERS) {
				cipher.isSupported();
			}
			for (BuiltinSignatures signature : SIGNATURES) {
				signature.isSupported();
			}
			// the crypto of a default key exchange and an ed25519 login, once
			if (BuiltinKEM.sntrup761.isSupported()) {
				KeyEncapsulationMethod.Client kem = BuiltinKEM.sntrup761.getClient();
				kem.init();
				kem.getPublicKey();
			}
			BuiltinDHFactories.curve25519.create().getE();
			if (BuiltinSignatures.ed25519.isSupported()) {
				KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
				Signature signer = BuiltinSignatures.ed25519.create();
				signer.initSigner(null, key.getPrivate());
				signer.update(null, new byte[32]);
				signer.sign(null);
			}
		}
		catch (Exception ex) {
			// an optimisation only: the first connect does whatever is left
			logger.debug("SSH tunnel pre-initialization failed", ex);
		}
	}

	/**
	 * Order host-key algorithms as OpenSSH does: the key types already known for this
	 * server first, then ed25519, ECDSA, RSA (SHA-2 only).
	 */
	private static List<NamedFactory<Signature>> signatures(List<String> preferredKeyTypes) {
		Set<BuiltinSignatures> ordered = new LinkedHashSet<>();
		for (String keyType : preferredKeyTypes) {
			for (BuiltinSignatures signature : (keyType.endsWith("-cert-v01@openssh.com")) ? CERTIFICATE_SIGNATURES
					: SIGNATURES) {
				if (signatureMatchesKeyType(signature, keyType)) {
					ordered.add(signature);
				}
			}
		}
		ordered.addAll(SIGNATURES);
		List<NamedFactory<Signature>> result = new ArrayList<>();
		for (BuiltinSignatures signature : ordered) {
			if (signature.isSupported()) {
				result.add(signature);
			}
		}
		return result;
	}

	private static boolean signatureMatchesKeyType(BuiltinSignatures signature, String keyType) {
		if ("ssh-rsa".equals(keyType)) {
			return signature == BuiltinSignatures.rsaSHA512 || signature == BuiltinSignatures.rsaSHA256;
		}
		if (KeyPairProvider.SSH_RSA_CERT.equals(keyType)) {
			return signature == BuiltinSignatures.rsaSHA512_cert || signature == BuiltinSignatures.rsaSHA256_cert;
		}
		return signature.getName().equals(keyType);
	}

}

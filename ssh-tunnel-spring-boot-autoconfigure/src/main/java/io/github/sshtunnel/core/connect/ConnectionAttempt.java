package io.github.sshtunnel.core.connect;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.core.hostkey.HostKeyVerifier;
import io.github.sshtunnel.core.keys.AgentAuthentication;
import io.github.sshtunnel.core.keys.AgentClient;
import io.github.sshtunnel.core.keys.AgentCertificates;
import io.github.sshtunnel.core.keys.AuthenticationRecorder;
import io.github.sshtunnel.core.keys.UserCertificates;

/**
 * One attempt to reach the SSH server: connect, verify the host key, authenticate, all
 * within one deadline. It returns an authenticated session or throws a typed
 * {@link SshTunnelException} (see {@link Failures}); it never retries and never waits
 * past the deadline.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class ConnectionAttempt {

	private final SshClient client;

	private final TunnelSettings settings;

	private final HostKeyVerifier verifier;

	private final String certificateProperty;

	private volatile ConnectFuture pending;

	private volatile boolean cancelled;

	/**
	 * Create the attempts of a tunnel.
	 * @param client the started client
	 * @param settings the settings
	 * @param verifier the client's host-key verifier
	 */
	public ConnectionAttempt(SshClient client, TunnelSettings settings, HostKeyVerifier verifier) {
		this(client, settings, verifier, UserCertificates.PROPERTY);
	}

	/**
	 * Create the attempts of a session whose certificate comes from another property (a
	 * jump host's own certificate).
	 * @param client the started client
	 * @param settings the settings
	 * @param verifier the client's host-key verifier
	 * @param certificateProperty the certificate's property, named in messages
	 */
	public ConnectionAttempt(SshClient client, TunnelSettings settings, HostKeyVerifier verifier,
			String certificateProperty) {
		this.client = client;
		this.settings = settings;
		this.verifier = verifier;
		this.certificateProperty = certificateProperty;
	}

	/**
	 * Connect, verify and authenticate.
	 * @param deadline the {@link System#nanoTime()} by which it must be done
	 * @return the authenticated session
	 * @throws SshTunnelException why it failed
	 */
	public ClientSession connect(long deadline) {
		return connect(deadline, null);
	}

	/**
	 * Connect, verify and authenticate, through a local port that leads to the server (a
	 * forward on the previous hop's session); the host key is still checked under the
	 * server's own name and port.
	 * @param deadline the {@link System#nanoTime()} by which it must be done
	 * @param through the loopback address that leads to the server, or {@code null} to
	 * connect to the server directly
	 * @return the authenticated session
	 * @throws SshTunnelException why it failed
	 */
	public ClientSession connect(long deadline, InetSocketAddress through) {
		ClientSession session = null;
		boolean authenticating = false;
		AgentClient agent = null;
		List<PublicKey> agentKeys = List.of();
		AtomicInteger offered = new AtomicInteger();
		try {
			List<KeyPair> keys = (this.settings.getPrivateKey() != null) ? UserCertificates.identities(
					this.settings.getPrivateKey(), this.settings.getPrivateKeyPassphrase(),
					this.settings.getCertificate(), this.settings.getUsername(), this.certificateProperty) : List.of();
			if (this.settings.getIdentityAgent() != null) {
				agent = AgentClient.open(this.settings.getIdentityAgent(), agentTimeout(deadline));
				agentKeys = agent.identities();
				if (this.settings.getPrivateKey() == null && this.settings.getCertificate() != null) {
					agentKeys = AgentCertificates.withCertificate(agent, agentKeys, this.settings.getCertificate(),
							this.settings.getUsername(), this.certificateProperty);
				}
			}
			this.verifier.reset();
			ConnectFuture connecting = (through != null)
					? this.client.connect(this.settings.getUsername(), through, null, null) : this.client
						.connect(this.settings.getUsername(), this.settings.getHost(), this.settings.getPort());
			this.pending = connecting;
			if (this.cancelled) {
				connecting.cancel();
			}
			connecting.verify(remaining(deadline));
			session = connecting.getSession();
			for (KeyPair key : keys) {
				session.addPublicKeyIdentity(key);
			}
			if (agent != null) {
				offered = AgentAuthentication.use(session, agent, agentKeys);
			}
			if (this.settings.getPassword() != null) {
				session.addPasswordIdentity(this.settings.getPassword());
			}
			authenticating = true;
			AuthenticationRecorder.install(session);
			session.auth().verify(remaining(deadline));
			AuthenticationRecorder.authenticated(session);
			return session;
		}
		catch (IOException | RuntimeException ex) {
			SshTunnelException failure = (authenticating && agent != null && agent.problem() != null)
					? agentFailed(agent)
					: Failures.classify(ex, this.settings, this.verifier.rejection(), session, authenticating, deadline,
							(agent != null) ? new Failures.Offered(offered.get(), agentKeys.size())
									: Failures.Offered.NOT_COUNTED);
			if (session != null) {
				session.close(true);
			}
			throw failure;
		}
		finally {
			this.pending = null;
			if (agent != null) {
				try {
					agent.close();
				}
				catch (IOException ex) {
					// the connection to the agent is gone either way
				}
			}
		}
	}

	/**
	 * Cancel the connect in progress, and every later one: the tunnel is closing.
	 */
	public void cancel() {
		this.cancelled = true;
		ConnectFuture connecting = this.pending;
		if (connecting != null) {
			connecting.cancel();
		}
	}

	private SshTunnelException agentFailed(AgentClient agent) {
		return new SshTunnelException(Reason.AGENT_UNAVAILABLE,
				"ssh-agent at " + agent.socket() + " did not sign the authentication to SSH server "
						+ this.settings.getServerDisplayName() + ": " + agent.problem(),
				"Check that the agent at ssh.tunnel.identity-agent runs and answers ('SSH_AUTH_SOCK=" + agent.socket()
						+ " ssh-add -l'), that it does not wait for a confirmation "
						+ "('ssh-add -c'), or raise ssh.tunnel.connect-timeout.");
	}

	/**
	 * Every round trip to the agent is bounded by what is left of the attempt.
	 */
	private static Duration agentTimeout(long deadline) {
		return remaining(deadline);
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
	}

}

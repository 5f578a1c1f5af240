package io.github.sshtunnel.core.connect;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.core.keys.UnattendedInteraction;

/**
 * Turns what MINA reports about a failed attempt into a typed {@link SshTunnelException}
 * with a message that names the server and an action that names the property to fix. It
 * reads types and SSH disconnect codes, never message text: a host-key rejection (kept by
 * the verifier), an unknown host or refused connection (JDK exception types), a timeout
 * (a {@link TimeoutException} in the chain), a handshake the server dropped (closed
 * before the key exchange completed, without a disconnect code), an attempt that failed
 * otherwise at its deadline (a timeout too), an authentication refusal
 * ({@code SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE}).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class Failures {

	/**
	 * MINA's futures count whole milliseconds: a failure this close to the deadline is
	 * the deadline.
	 */
	private static final long DEADLINE_ROUNDING = TimeUnit.MILLISECONDS.toNanos(50);

	private Failures() {
	}

	/**
	 * Classify a failed attempt.
	 * @param ex what MINA threw
	 * @param settings the tunnel's settings
	 * @param rejection the host-key verifier's rejection, or {@code null}
	 * @param session the session, if one was created
	 * @param authenticating whether authentication had started
	 * @param deadline the attempt's deadline ({@link System#nanoTime()})
	 * @param offered the public keys offered
	 * @return the failure
	 */
	public static SshTunnelException classify(Exception ex, TunnelSettings settings, SshTunnelException rejection,
			ClientSession session, boolean authenticating, long deadline, Offered offered) {
		if (ex instanceof SshTunnelException tunnelException) {
			return tunnelException;
		}
		if (rejection != null) {
			return rejection;
		}
		String server = settings.getServerDisplayName();
		Throwable root = rootCause(ex);
		if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
			return new SshTunnelException(Reason.CONNECT_FAILED,
					"Could not connect to SSH server " + server + ": unknown host '" + settings.getHost() + "'",
					"Check ssh.tunnel.host.", ex);
		}
		if (root instanceof ConnectException || root instanceof NoRouteToHostException) {
			return new SshTunnelException(Reason.CONNECT_FAILED,
					"Could not connect to SSH server " + server + ": " + root.getMessage(),
					"Check ssh.tunnel.host and ssh.tunnel.port, and that the SSH server runs and is reachable "
							+ "from this host.",
					ex);
		}
		if (isTimeout(ex)) {
			return timeout(settings, authenticating, ex);
		}
		if (isDroppedHandshake(ex, session)) {
			return new SshTunnelException(Reason.HANDSHAKE_DROPPED,
					"SSH server " + server + " closed the connection during the handshake: " + describe(root)
							+ "; a busy server drops new connections beyond its MaxStartups",
					"Retry later, or ask the server's administrator about MaxStartups (sshd_config) or a load "
							+ "balancer in front of it.",
					ex);
		}
		if (System.nanoTime() - deadline >= -DEADLINE_ROUNDING) {
			return timeout(settings, authenticating, ex);
		}
		String unanswered = (session != null) ? session.getAttribute(UnattendedInteraction.UNANSWERED) : null;
		if (authenticating && unanswered != null) {
			return new SshTunnelException(Reason.AUTHENTICATION_FAILED,
					"SSH server " + server + " asked user '" + settings.getUsername() + "' " + unanswered
							+ " (keyboard-interactive), which an application cannot answer",
					"Only a single password prompt is answered, with ssh.tunnel.password; a one-time code or "
							+ "second factor needs a person. Use key login (ssh.tunnel.private-key) for this "
							+ "user, or ask the server's administrator to exempt it from the second factor.",
					ex);
		}
		if (authenticating && disconnectCode(ex) == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
			return new SshTunnelException(Reason.AUTHENTICATION_FAILED,
					"SSH server " + server + " refused authentication of user '" + settings.getUsername()
							+ "' (offered: " + offeredMethods(settings, offered) + ")",
					"Check ssh.tunnel.username and the credentials (ssh.tunnel.password, ssh.tunnel.private-key"
							+ ((settings.getIdentityAgent() != null) ? " or ssh.tunnel.identity-agent" : "")
							+ "); for key login the server needs the public key in the user's authorized_keys.",
					ex);
		}
		if (authenticating && offered.agentKeys() >= 0 && offered.keys() > 0) {
			// sshd disconnects after MaxAuthTries failed keys with a protocol error code,
			// but the client may see the connection close or reset first: whatever ended
			// public-key authentication with an agent, the count of keys is the clue
			return new SshTunnelException(Reason.AUTHENTICATION_FAILED,
					"SSH server " + server + " closed the connection while authenticating user '"
							+ settings.getUsername() + "' after " + offered.keys() + " public keys were offered ("
							+ offeredMethods(settings, offered) + "): " + describe(root)
							+ "; sshd's MaxAuthTries (6 by default) limits the keys a client may offer",
					"Keep fewer keys in the agent of ssh.tunnel.identity-agent, set ssh.tunnel.private-key to the key "
							+ "the server accepts (it is offered first), or ask the server's administrator to raise "
							+ "MaxAuthTries.",
					ex);
		}
		return new SshTunnelException(Reason.SSH_ERROR, "SSH connection to " + server + " failed: " + describe(root),
				"Check ssh.tunnel.host and ssh.tunnel.port and the SSH server's log.", ex);
	}

	private static SshTunnelException timeout(TunnelSettings settings, boolean authenticating, Exception ex) {
		return new SshTunnelException(Reason.CONNECT_TIMEOUT,
				"Timed out after " + settings.getConnectTimeout().toMillis() + " ms "
						+ (authenticating ? "exchanging keys or authenticating with" : "connecting to") + " SSH server "
						+ settings.getServerDisplayName(),
				"Check ssh.tunnel.host and ssh.tunnel.port and any firewall in between, or raise "
						+ "ssh.tunnel.connect-timeout.",
				ex);
	}

	private static boolean isTimeout(Exception ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException
					|| cause instanceof InterruptedByTimeoutException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the server closed or reset the connection before the key exchange
	 * completed, without an SSH disconnect message that would say why (a negotiation
	 * failure has one): what {@code sshd} does past {@code MaxStartups}.
	 */
	private static boolean isDroppedHandshake(Exception ex, ClientSession session) {
		if (session != null && session.getSessionId() != null) {
			return false;
		}
		if (disconnectCode(ex) != 0) {
			return false;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof IOException) {
				return true;
			}
		}
		return false;
	}

	private static int disconnectCode(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof SshException sshException && sshException.getDisconnectCode() != 0) {
				return sshException.getDisconnectCode();
			}
		}
		return 0;
	}

	private static String offeredMethods(TunnelSettings settings, Offered offered) {
		List<String> methods = new ArrayList<>();
		if (settings.getPrivateKey() != null) {
			methods.add("publickey from " + settings.getPrivateKey().description());
		}
		if (offered.agentKeys() >= 0) {
			methods.add(offered.agentKeys() + ((offered.agentKeys() == 1) ? " key" : " keys") + " from ssh-agent "
					+ settings.getIdentityAgent());
		}
		if (offered.keys() >= 0) {
			methods.add(offered.keys() + ((offered.keys() == 1) ? " public key" : " public keys") + " offered");
		}
		if (settings.getPassword() != null) {
			methods.add("password");
		}
		return methods.isEmpty() ? "no credentials configured" : String.join(", ", methods);
	}

	/**
	 * The public keys of an attempt.
	 *
	 * @param keys how many public keys were offered to the server, or {@code -1} when not
	 * counted (no agent)
	 * @param agentKeys how many keys the agent holds, or {@code -1} without an agent
	 */
	public record Offered(int keys, int agentKeys) {

		/**
		 * Nothing counted: no agent.
		 */
		public static final Offered NOT_COUNTED = new Offered(-1, -1);

	}

	/**
	 * Return a throwable's message, or its type when it has none.
	 * @param throwable the throwable
	 * @return the description
	 */
	public static String describe(Throwable throwable) {
		String message = throwable.getMessage();
		return (message != null) ? message : throwable.getClass().getSimpleName();
	}

	private static Throwable rootCause(Throwable throwable) {
		Throwable root = throwable;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

}

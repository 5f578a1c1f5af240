package io.github.sshtunnel.core.connect;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.forward.ExplicitPortForwardingTracker;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import io.github.sshtunnel.core.AuthenticationUsed;
import io.github.sshtunnel.core.JumpHost;
import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.core.client.SshClientFactory;
import io.github.sshtunnel.core.client.TunnelThreads;
import io.github.sshtunnel.core.hostkey.HostKeyVerifier;
import io.github.sshtunnel.core.keys.AuthenticationRecorder;

/**
 * The way to the SSH server: directly, or through a chain of jump hosts built by hand in
 * OpenSSH's order (the first hop is contacted first; MINA's own {@code ProxyJump} list
 * reads the other way). Each hop is a session of its own (its own credentials, its host
 * key checked under its own name and port, the same deadline); the next hop is reached
 * through a loopback-bound local forward on the previous session. The sessions of one
 * chain close together: losing any hop closes the server's session, and closing that
 * closes every hop.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class Route {

	/**
	 * The jump-host sessions under a server session, first hop first (absent for a direct
	 * connection).
	 */
	public static final AttributeKey<List<ClientSession>> JUMP_SESSIONS = new AttributeKey<>();

	/**
	 * The jump host whose session ended before the server's, e.g. "jump host 1 of 2,
	 * bastion:22"; empty when the server's own session ended first.
	 */
	public static final AttributeKey<String> LOST_AT = new AttributeKey<>();

	private final List<Hop> hops;

	private final TunnelSettings server;

	private final ConnectionAttempt target;

	private final List<SshClient> hopClients;

	/**
	 * Create the route.
	 * @param hops the jump hosts, first hop first
	 * @param server the server's settings
	 * @param target the attempt to reach the server (through the last hop, if any)
	 */
	public Route(List<Hop> hops, TunnelSettings server, ConnectionAttempt target) {
		this(hops, server, target, List.of());
	}

	private Route(List<Hop> hops, TunnelSettings server, ConnectionAttempt target, List<SshClient> hopClients) {
		this.hops = List.copyOf(hops);
		this.server = server;
		this.target = target;
		this.hopClients = List.copyOf(hopClients);
	}

	/**
	 * Create the route of a tunnel: one started client per jump host (its own host-key
	 * verifier, credentials and host-key algorithm order, on the tunnel's threads), then
	 * the server's attempt.
	 * @param settings the tunnel's settings
	 * @param client the server's started client
	 * @param verifier the server's verifier (checking under the server's name when
	 * reached through a jump host)
	 * @param threads the tunnel's threads
	 * @param hopListener listener of the hops' sessions
	 * @param customizers applied to every hop's client too
	 * @return the route
	 */
	public static Route create(TunnelSettings settings, SshClient client, HostKeyVerifier verifier,
			TunnelThreads threads, SessionListener hopListener, List<SshClientCustomizer> customizers) {
		List<Hop> hops = new ArrayList<>();
		List<SshClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < settings.getJumpHosts().size(); i++) {
				JumpHost jumpHost = settings.getJumpHosts().get(i);
				String label = jumpHost.getHost() + ":" + jumpHost.getPort();
				TunnelSettings hopSettings;
				HostKeyVerifier hopVerifier;
				try {
					hopSettings = jumpHost.settingsFor(settings, i);
					hopVerifier = new HostKeyVerifier(hopSettings, i > 0);
					hopVerifier.checkKnownHostsFile();
				}
				catch (SshTunnelException ex) {
					throw SshTunnelException.atJumpHost(ex, i + 1, settings.getJumpHosts().size(), label);
				}
				SshClient hopClient = SshClientFactory.create(hopSettings, threads, hopVerifier,
						hopVerifier::preferredKeyTypes, hopListener, customizers);
				clients.add(hopClient);
				hopClient.start();
				hops.add(new Hop(hopSettings,
						new ConnectionAttempt(hopClient, hopSettings, hopVerifier, jumpHost.certificateProperty(i)),
						label));
			}
		}
		catch (RuntimeException ex) {
			clients.forEach(SshClient::stop);
			throw ex;
		}
		return new Route(hops, settings, new ConnectionAttempt(client, settings, verifier), clients);
	}

	/**
	 * Return how each jump host's session under a server session logged in, first hop
	 * first.
	 * @param server the server's session, or {@code null}
	 * @return the logins, empty without jump hosts or session
	 */
	public static List<AuthenticationUsed> jumpHostAuthentications(ClientSession server) {
		List<ClientSession> hops = (server != null) ? server.getAttribute(JUMP_SESSIONS) : null;
		if (hops == null) {
			return List.of();
		}
		List<AuthenticationUsed> used = new ArrayList<>(hops.size());
		for (ClientSession hop : hops) {
			AuthenticationUsed login = hop.getAttribute(AuthenticationRecorder.USED);
			used.add((login != null) ? login : new AuthenticationUsed("unknown", null));
		}
		return List.copyOf(used);
	}

	/**
	 * Stop the jump hosts' clients (the tunnel is closing, after its session).
	 */
	public void stop() {
		for (SshClient hopClient : this.hopClients) {
			hopClient.stop();
		}
	}

	/**
	 * Open every hop, then the server's session, all within the deadline.
	 * @param deadline the {@link System#nanoTime()} by which it must be done
	 * @return the server's authenticated session
	 * @throws SshTunnelException why it failed, naming the jump host that failed
	 */
	public ClientSession connect(long deadline) {
		if (this.hops.isEmpty()) {
			return this.target.connect(deadline);
		}
		List<ClientSession> opened = new ArrayList<>();
		try {
			InetSocketAddress through = null;
			for (int i = 0; i < this.hops.size(); i++) {
				Hop hop = this.hops.get(i);
				ClientSession session;
				try {
					session = hop.attempt().connect(deadline, through);
				}
				catch (SshTunnelException ex) {
					throw SshTunnelException.atJumpHost(ex, i + 1, this.hops.size(), hop.label());
				}
				opened.add(session);
				TunnelSettings next = (i + 1 < this.hops.size()) ? this.hops.get(i + 1).settings() : this.server;
				through = forward(session, next, i);
			}
			ClientSession session;
			try {
				session = this.target.connect(deadline, through);
			}
			catch (SshTunnelException ex) {
				throw (ex.getReason() == Reason.HANDSHAKE_DROPPED) ? notForwarded(ex) : ex;
			}
			link(session, opened, this.hops);
			return session;
		}
		catch (RuntimeException ex) {
			for (ClientSession session : opened) {
				session.close(true);
			}
			throw ex;
		}
	}

	/**
	 * A jump host that may not forward to the next hop accepts the local connection and
	 * closes it at once: to the client the server "dropped the handshake".
	 */
	private SshTunnelException notForwarded(SshTunnelException ex) {
		String last = "jump host " + this.hops.size() + " of " + this.hops.size() + ", "
				+ this.hops.get(this.hops.size() - 1).label();
		return ex.withText(
				ex.getMessage() + " (reached through " + last
						+ ": if the server runs, that jump host may not forward to it)",
				ex.getAction() + " Check that the jump host allows forwarding to " + this.server.getServerDisplayName()
						+ " (sshd_config AllowTcpForwarding, PermitOpen).");
	}

	private InetSocketAddress forward(ClientSession session, TunnelSettings next, int index) {
		try {
			ExplicitPortForwardingTracker tracker = session.createLocalPortForwardingTracker(
					new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(next.getHost(), next.getPort()));
			return new InetSocketAddress("127.0.0.1", tracker.getBoundAddress().getPort());
		}
		catch (IOException | RuntimeException ex) {
			SshTunnelException failure = new SshTunnelException(Reason.CONNECT_FAILED,
					"could not open a local forward to " + next.getServerDisplayName() + ": " + ex,
					"Check the JVM's limits on file descriptors.", ex);
			throw SshTunnelException.atJumpHost(failure, index + 1, this.hops.size(), this.hops.get(index).label());
		}
	}

	/**
	 * Close the chain together, whichever session ends first.
	 */
	private static void link(ClientSession server, List<ClientSession> sessions, List<Hop> hops) {
		server.setAttribute(JUMP_SESSIONS, List.copyOf(sessions));
		List<ClientSession> all = new ArrayList<>(sessions);
		all.add(server);
		for (ClientSession session : all) {
			session.addCloseFutureListener((future) -> {
				// before closing the others: the first hop that is already going is the
				// one that was lost (the server's own session ends after its hop, as
				// its connection runs through the hop)
				blame(server, sessions, hops);
				for (ClientSession other : all) {
					other.close(true);
				}
			});
		}
	}

	private static void blame(ClientSession server, List<ClientSession> sessions, List<Hop> hops) {
		if (server.getAttribute(LOST_AT) != null) {
			return;
		}
		for (int i = 0; i < sessions.size(); i++) {
			if (!sessions.get(i).isOpen()) {
				server.setAttribute(LOST_AT,
						"jump host " + (i + 1) + " of " + hops.size() + ", " + hops.get(i).label());
				return;
			}
		}
		// every hop still open: the server's own session ended first
		server.setAttribute(LOST_AT, "");
	}

	/**
	 * Cancel the connect in progress, and every later one: the tunnel is closing.
	 */
	public void cancel() {
		for (Hop hop : this.hops) {
			hop.attempt().cancel();
		}
		this.target.cancel();
	}

	/**
	 * Return the jump-host sessions under a server session.
	 * @param server the server's session
	 * @return the hops' sessions, first hop first; empty for a direct connection
	 */
	public static List<ClientSession> jumpSessions(ClientSession server) {
		List<ClientSession> hops = server.getAttribute(JUMP_SESSIONS);
		return (hops != null) ? hops : List.of();
	}

	/**
	 * One jump host of the route.
	 *
	 * @param settings the hop's settings (its own values, else the tunnel's)
	 * @param attempt the attempt to reach it (through the previous hop, if any)
	 * @param label the hop's {@code host:port}
	 */
	public record Hop(TunnelSettings settings, ConnectionAttempt attempt, String label) {

	}

}

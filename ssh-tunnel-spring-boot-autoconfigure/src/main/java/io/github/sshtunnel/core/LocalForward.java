package io.github.sshtunnel.core;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * The local end of one forward. The listening socket is bound once, when the tunnel
 * opens, and stays bound until the tunnel closes, so the local port never changes, not
 * even across reconnects. A connection accepted while the SSH session is down is closed
 * at once: the client sees an immediate EOF, never a hang.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class LocalForward {

	private static final Logger logger = LoggerFactory.getLogger(LocalForward.class);

	private final ForwardSettings settings;

	private final SshTunnel tunnel;

	private final Set<ForwardedConnection> connections = ConcurrentHashMap.newKeySet();

	final LongAdder bytesOutbound = new LongAdder();

	final LongAdder bytesInbound = new LongAdder();

	private final AtomicLong opened = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private volatile ServerSocket serverSocket;

	private volatile int boundPort;

	private volatile boolean closed;

	LocalForward(ForwardSettings settings, SshTunnel tunnel) {
		this.settings = settings;
		this.tunnel = tunnel;
	}

	ForwardSettings settings() {
		return this.settings;
	}

	void bind() {
		String property = "ssh.tunnel.forwards." + this.settings.name();
		InetAddress address;
		try {
			address = InetAddress.getByName(this.settings.localHost());
		}
		catch (UnknownHostException ex) {
			throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
					"Invalid SSH tunnel configuration: " + property + ".local-host '" + this.settings.localHost()
							+ "' is not a local address",
					"Set " + property + ".local-host to a local address such as 127.0.0.1.", ex);
		}
		if (!address.isLoopbackAddress()) {
			logger.warn("Forward '{}' listens on {}, which is not a loopback address: other hosts can use the tunnel",
					this.settings.name(), address.getHostAddress());
		}
		ServerSocket socket = null;
		try {
			socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(address, this.settings.localPort()), 128);
		}
		catch (BindException ex) {
			closeQuietly(socket);
			throw new SshTunnelException(Reason.LOCAL_PORT_IN_USE,
					"Local port " + this.settings.localPort() + " on " + this.settings.localHost() + " for forward '"
							+ this.settings.name() + "' is already in use (" + ex.getMessage() + ")",
					"Stop the process that holds the port (an old 'ssh -L'?), or set " + property
							+ ".local-port to a free port, or to 0 to pick one.",
					ex);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new SshTunnelException(Reason.LOCAL_PORT_IN_USE,
					"Could not listen on " + this.settings.localHost() + ":" + this.settings.localPort()
							+ " for forward '" + this.settings.name() + "': " + ex.getMessage(),
					"Check " + property + ".local-host and " + property + ".local-port.", ex);
		}
		this.serverSocket = socket;
		this.boundPort = socket.getLocalPort();
	}

	void start(ExecutorService executor) {
		Thread thread = new Thread(() -> acceptLoop(executor), "ssh-tunnel-accept-" + this.settings.name());
		thread.setDaemon(true);
		thread.start();
	}

	private void acceptLoop(ExecutorService executor) {
		ServerSocket server = this.serverSocket;
		while (!this.closed) {
			Socket socket;
			try {
				socket = server.accept();
			}
			catch (IOException ex) {
				if (!this.closed) {
					logger.warn("Forward '{}' stopped accepting connections: {}", this.settings.name(),
							ex.getMessage());
				}
				return;
			}
			ClientSession session = this.tunnel.currentSession();
			if (session == null || !session.isOpen()) {
				this.failed.incrementAndGet();
				closeQuietly(socket);
				this.tunnel.fireConnectionFailed(this.settings.name(), new SshTunnelException(Reason.SESSION_LOST,
						"SSH session is down; connection to forward '" + this.settings.name() + "' refused", null));
				continue;
			}
			ForwardedConnection connection = new ForwardedConnection(this, session, socket,
					this.tunnel.settings().getConnectTimeout());
			try {
				executor.execute(() -> connection.run(executor));
			}
			catch (RejectedExecutionException ex) {
				closeQuietly(socket);
				return;
			}
		}
	}

	void opened(ForwardedConnection connection) {
		this.opened.incrementAndGet();
		this.connections.add(connection);
		if (this.closed) {
			connection.abort();
		}
		this.tunnel.fireConnectionOpened(this.settings.name());
	}

	void failed(Exception cause) {
		this.failed.incrementAndGet();
		this.tunnel.fireConnectionFailed(this.settings.name(), cause);
	}

	void finished(ForwardedConnection connection) {
		this.connections.remove(connection);
	}

	void close() {
		this.closed = true;
		closeQuietly(this.serverSocket);
		this.boundPort = 0;
		this.connections.forEach(ForwardedConnection::abort);
		this.connections.clear();
	}

	ForwardState state() {
		ServerSocket socket = this.serverSocket;
		return new ForwardState(this.settings.name(), this.settings.localHost(), this.boundPort,
				this.settings.remoteHost(), this.settings.remotePort(), this.connections.size(), this.opened.get(),
				this.failed.get(), this.bytesOutbound.sum(), this.bytesInbound.sum());
	}

	int boundPort() {
		return this.boundPort;
	}

	static void closeQuietly(java.io.Closeable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (IOException ex) {
				// nothing left to do
			}
		}
	}

}

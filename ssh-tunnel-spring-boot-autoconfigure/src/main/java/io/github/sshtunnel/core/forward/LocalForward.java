package io.github.sshtunnel.core.forward;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * The local end of one forward. The listening socket is bound once, when the tunnel
 * opens, and stays bound until the tunnel closes, so the local port never changes, not
 * even across reconnects. A connection accepted while the SSH session is down is closed
 * at once: the client sees an immediate EOF, never a hang.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class LocalForward {

	private static final Logger logger = LoggerFactory.getLogger(LocalForward.class);

	private final ForwardSettings settings;

	private final ForwardContext context;

	private final ForwardCounters counters = new ForwardCounters();

	/**
	 * Up to 2 MiB of free direct chunks: a window's worth, as one busy connection holds.
	 */
	private final ChunkPool chunks = new ChunkPool(32);

	private final ForwardedConnection.Listener connectionListener = new ConnectionListener();

	private final OpenDeadlines openDeadlines = new OpenDeadlines();

	private final Set<ForwardedConnection> connections = ConcurrentHashMap.newKeySet();

	private final AtomicLong opened = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private volatile AsynchronousServerSocketChannel serverChannel;

	private volatile int boundPort;

	private volatile boolean closed;

	/**
	 * Create the local end of a forward; nothing is bound until {@link #bind}.
	 * @param settings the forward
	 * @param context the session, timer and event sink it works with
	 */
	public LocalForward(ForwardSettings settings, ForwardContext context) {
		this.settings = settings;
		this.context = context;
	}

	public ForwardSettings settings() {
		return this.settings;
	}

	public void bind(AsynchronousChannelGroup group) {
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
		AsynchronousServerSocketChannel channel = null;
		try {
			channel = AsynchronousServerSocketChannel.open(group);
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.bind(new InetSocketAddress(address, this.settings.localPort()), 128);
		}
		catch (BindException ex) {
			closeQuietly(channel);
			throw new SshTunnelException(Reason.LOCAL_PORT_IN_USE,
					"Local port " + this.settings.localPort() + " on " + this.settings.localHost() + " for forward '"
							+ this.settings.name() + "' is already in use (" + ex.getMessage() + ")",
					"Stop the process that holds the port (an old 'ssh -L'?), or set " + property
							+ ".local-port to a free port, or to 0 to pick one.",
					ex);
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new SshTunnelException(Reason.LOCAL_PORT_IN_USE,
					"Could not listen on " + this.settings.localHost() + ":" + this.settings.localPort()
							+ " for forward '" + this.settings.name() + "': " + ex.getMessage(),
					"Check " + property + ".local-host and " + property + ".local-port.", ex);
		}
		this.serverChannel = channel;
		try {
			this.boundPort = ((InetSocketAddress) channel.getLocalAddress()).getPort();
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new SshTunnelException(Reason.LOCAL_PORT_IN_USE,
					"Could not read the bound port of forward '" + this.settings.name() + "': " + ex.getMessage(),
					"Check " + property + ".local-port.", ex);
		}
	}

	public void start() {
		accept();
	}

	private void accept() {
		if (this.closed) {
			return;
		}
		try {
			this.serverChannel.accept(null, new CompletionHandler<AsynchronousSocketChannel, Void>() {

				@Override
				public void completed(AsynchronousSocketChannel socket, Void attachment) {
					accept();
					handle(socket);
				}

				@Override
				public void failed(Throwable ex, Void attachment) {
					if (!LocalForward.this.closed) {
						logger.warn("Forward '{}' failed to accept a connection: {}", LocalForward.this.settings.name(),
								ex.toString());
						accept();
					}
				}

			});
		}
		catch (RuntimeException ex) {
			if (!this.closed) {
				logger.warn("Forward '{}' stopped accepting connections: {}", this.settings.name(), ex.toString());
			}
		}
	}

	private void handle(AsynchronousSocketChannel socket) {
		ClientSession session = this.context.currentSession();
		if (this.closed || session == null || !session.isOpen()) {
			this.failed.incrementAndGet();
			closeQuietly(socket);
			this.context.connectionFailed(this.settings.name(), new SshTunnelException(Reason.SESSION_LOST,
					"SSH session is down; connection to forward '" + this.settings.name() + "' refused", null));
			return;
		}
		new ForwardedConnection(this.settings, session, socket, this.counters, this.chunks, this.connectionListener)
			.start(this.openDeadlines, this.context.timer(), this.context.openTimeout());
	}

	public void close() {
		this.closed = true;
		closeQuietly(this.serverChannel);
		this.boundPort = 0;
		this.connections.forEach(ForwardedConnection::abort);
		this.connections.clear();
	}

	public ForwardState state() {
		return new ForwardState(this.settings.name(), this.settings.localHost(), this.boundPort,
				this.settings.remoteHost(), this.settings.remotePort(), this.connections.size(), this.opened.get(),
				this.failed.get(), this.counters.outbound(), this.counters.inbound());
	}

	public int boundPort() {
		return this.boundPort;
	}

	private final class ConnectionListener implements ForwardedConnection.Listener {

		@Override
		public void opened(ForwardedConnection connection) {
			LocalForward.this.opened.incrementAndGet();
			LocalForward.this.connections.add(connection);
			if (LocalForward.this.closed) {
				connection.abort();
			}
			LocalForward.this.context.connectionOpened(LocalForward.this.settings.name());
		}

		@Override
		public void failed(Exception cause) {
			LocalForward.this.failed.incrementAndGet();
			LocalForward.this.context.connectionFailed(LocalForward.this.settings.name(), cause);
		}

		@Override
		public void finished(ForwardedConnection connection) {
			LocalForward.this.connections.remove(connection);
		}

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

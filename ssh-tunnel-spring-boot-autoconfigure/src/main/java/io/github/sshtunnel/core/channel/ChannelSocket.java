package io.github.sshtunnel.core.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.ChannelOutputStream;
import org.apache.sshd.common.channel.ChannelPipedInputStream;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A socket whose connection is a {@code direct-tcpip} channel through the tunnel's
 * current session: no local port, no file descriptor.
 * {@link #connect(SocketAddress, int)} sends the target's host name unresolved to the SSH
 * server, which resolves and connects it; the open waits at most the smaller of the
 * caller's timeout and the tunnel's connect timeout, on the caller's thread (never on an
 * I/O thread).
 * <p>
 * Reads honour {@link #setSoTimeout(int)} ({@link SocketTimeoutException}); writes go out
 * at once and wait, bounded by MINA's window timeout, while the SSH window is full or a
 * key exchange runs. {@link #shutdownOutput()} sends EOF to the target; {@link #close()}
 * closes the channel and is idempotent. TCP options are accepted and ignored: the SSH
 * server's own socket to the target carries them.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ChannelSocket extends OptionlessSocket {

	private static final SshdSocketAddress ORIGIN = new SshdSocketAddress("127.0.0.1", 0);

	private final ChannelContext context;

	private final ChannelRoutes routes;

	private final Object lock = new Object();

	private volatile ChannelRoute route;

	private volatile ChannelDirectTcpip channel;

	private volatile InetSocketAddress target;

	private volatile InputStream input;

	private volatile OutputStream output;

	private volatile boolean closed;

	private volatile boolean inputShutdown;

	private volatile boolean outputShutdown;

	ChannelSocket(ChannelContext context, ChannelRoutes routes) throws SocketException {
		this.context = context;
		this.routes = routes;
	}

	@Override
	public void connect(SocketAddress endpoint) throws IOException {
		connect(endpoint, 0);
	}

	@Override
	public void connect(SocketAddress endpoint, int timeout) throws IOException {
		if (!(endpoint instanceof InetSocketAddress address)) {
			throw new IllegalArgumentException("Unsupported address type: " + endpoint);
		}
		if (timeout < 0) {
			throw new IllegalArgumentException("connect: timeout can't be negative");
		}
		synchronized (this.lock) {
			if (this.closed) {
				throw new SocketException("Socket is closed");
			}
			if (this.channel != null) {
				throw new SocketException("Already connected");
			}
			String host = address.getHostString();
			int port = address.getPort();
			ChannelRoute current = this.routes.route(host, port);
			this.route = current;
			this.target = InetSocketAddress.createUnresolved(host, port);
			ClientSession session = this.context.currentSession();
			if (this.routes.isClosed() || session == null || !session.isOpen()) {
				throw failed(current,
						new ConnectException("SSH session to " + this.context.serverDisplayName()
								+ " is down: cannot open a channel to " + host + ":" + port
								+ " (the tunnel reconnects in the background; retry later)"));
			}
			open(session, current, host, port, bound(timeout));
		}
	}

	private long bound(int timeout) {
		Duration openTimeout = this.context.openTimeout();
		long limit = (openTimeout.isZero() || openTimeout.isNegative()) ? Long.MAX_VALUE : openTimeout.toMillis();
		return (timeout > 0) ? Math.min(timeout, limit) : limit;
	}

	private void open(ClientSession session, ChannelRoute current, String host, int port, long millis)
			throws IOException {
		ChannelDirectTcpip opening;
		OpenFuture open;
		try {
			opening = session.createDirectTcpipChannel(ORIGIN, new SshdSocketAddress(host, port));
			open = opening.open();
		}
		catch (IOException | RuntimeException ex) {
			throw failed(current, connectException(host, port, ex));
		}
		boolean done;
		try {
			done = open.await(millis);
		}
		catch (InterruptedIOException ex) {
			giveUp(opening, open);
			throw failed(current, ex);
		}
		if (!done) {
			giveUp(opening, open);
			throw failed(current, new SocketTimeoutException("SSH server " + this.context.serverDisplayName()
					+ " did not open a channel to " + host + ":" + port + " within " + millis + " ms"));
		}
		if (!open.isOpened()) {
			opening.close(true);
			throw failed(current, connectException(host, port, open.getException()));
		}
		ChannelPipedInputStream pipe = (ChannelPipedInputStream) opening.getInvertedOut();
		OutputStream channelOut = opening.getInvertedIn();
		if (channelOut instanceof ChannelOutputStream stream) {
			stream.setNoDelay(true);
		}
		this.input = new ChannelSocketInput(this, pipe, current);
		this.output = new ChannelSocketOutput(this, channelOut, current);
		this.channel = opening;
		current.opened(this);
		opening.addCloseFutureListener((future) -> current.finished(this));
		this.context.connectionOpened(current.name());
	}

	/**
	 * Give up an open that is still under way. The channel stays with the session until
	 * the server answers: MINA closes a cancelled open's channel properly once the server
	 * confirms it, whereas the confirmation of a channel closed now would be ignored,
	 * leaving the server's end, and the target connection behind it, open until the
	 * session ends.
	 * @param opening the channel
	 * @param open its open
	 */
	private static void giveUp(ChannelDirectTcpip opening, OpenFuture open) {
		open.cancel();
		if (open.isOpened()) {
			// the server confirmed it just now
			opening.close(false);
		}
	}

	private ConnectException connectException(String host, int port, Throwable cause) {
		String detail = (cause != null && cause.getMessage() != null) ? ": " + cause.getMessage() : "";
		ConnectException ex = new ConnectException("SSH server " + this.context.serverDisplayName()
				+ " could not open a channel to " + host + ":" + port + detail);
		ex.initCause(cause);
		return ex;
	}

	private IOException failed(ChannelRoute current, IOException cause) {
		current.failed();
		this.context.connectionFailed(current.name(), cause);
		return cause;
	}

	int soTimeoutMillis() {
		return getSoTimeout();
	}

	@Override
	public InputStream getInputStream() throws IOException {
		checkConnected();
		if (this.inputShutdown) {
			throw new SocketException("Socket input is shutdown");
		}
		return this.input;
	}

	@Override
	public OutputStream getOutputStream() throws IOException {
		checkConnected();
		if (this.outputShutdown) {
			throw new SocketException("Socket output is shutdown");
		}
		return this.output;
	}

	private void checkConnected() throws SocketException {
		if (this.closed) {
			throw new SocketException("Socket is closed");
		}
		if (this.channel == null) {
			throw new SocketException("Socket is not connected");
		}
	}

	@Override
	public void shutdownInput() throws IOException {
		checkConnected();
		this.inputShutdown = true;
	}

	@Override
	public void shutdownOutput() throws IOException {
		checkConnected();
		if (!this.outputShutdown) {
			this.outputShutdown = true;
			// the channel's output stream sends EOF when closed
			this.channel.getInvertedIn().close();
		}
	}

	boolean inputShutdownFlag() {
		return this.inputShutdown;
	}

	@Override
	public boolean isInputShutdown() {
		return this.inputShutdown;
	}

	@Override
	public boolean isOutputShutdown() {
		return this.outputShutdown;
	}

	@Override
	public void close() {
		synchronized (this.lock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		ChannelDirectTcpip current = this.channel;
		if (current != null) {
			current.close(false);
		}
	}

	void closeQuietly() {
		close();
	}

	@Override
	public boolean isConnected() {
		return this.channel != null;
	}

	@Override
	public boolean isBound() {
		return this.channel != null;
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public InetAddress getInetAddress() {
		InetSocketAddress address = this.target;
		if (address == null || this.channel == null) {
			return null;
		}
		try {
			// never resolved here: the SSH server resolves the name
			return InetAddress.getByAddress(address.getHostString(), new byte[4]);
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	@Override
	public int getPort() {
		InetSocketAddress address = this.target;
		return (address != null && this.channel != null) ? address.getPort() : 0;
	}

	@Override
	public SocketAddress getRemoteSocketAddress() {
		return (this.channel != null) ? this.target : null;
	}

	@Override
	public String toString() {
		InetSocketAddress address = this.target;
		return "ChannelSocket["
				+ ((address != null) ? address.getHostString() + ":" + address.getPort() : "unconnected") + " via SSH "
				+ this.context.serverDisplayName() + "]";
	}

}

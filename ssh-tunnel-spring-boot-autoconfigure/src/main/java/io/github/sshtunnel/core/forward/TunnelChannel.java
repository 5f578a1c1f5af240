package io.github.sshtunnel.core.forward;

import java.io.IOException;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.Closeable;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * A {@code direct-tcpip} channel that hands the data the target sends straight to a
 * {@link Sink}, instead of queueing it in MINA's asynchronous input stream for a read to
 * copy out again. The sink opens the SSH window ({@code getLocalWindow().release}) once
 * it has passed the bytes on, as the stream's reader would have; MINA still checks each
 * packet against the window before it gets here. The target's EOF, and the start of the
 * channel's close, reach the sink at once, so the application sees the half close as with
 * {@code ssh -L}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class TunnelChannel extends ChannelDirectTcpip {

	private final Sink sink;

	/**
	 * What {@link #toString()} says once the server confirmed the channel; MINA builds it
	 * several times in every close, each time with the session's name (its peer address
	 * formatted anew).
	 */
	private volatile String name;

	private TunnelChannel(SshdSocketAddress local, SshdSocketAddress remote, Sink sink) {
		super(local, remote);
		this.sink = sink;
	}

	/**
	 * Create the channel and register it with the session, as
	 * {@code ClientSession.createDirectTcpipChannel} does for MINA's own.
	 * @param session the session
	 * @param local the application's end, as the SSH server is told
	 * @param remote the target
	 * @param sink where the target's data goes
	 * @return the channel, not yet open
	 * @throws IOException if the session has no connection service
	 */
	static TunnelChannel create(ClientSession session, SshdSocketAddress local, SshdSocketAddress remote, Sink sink)
			throws IOException {
		TunnelChannel channel = new TunnelChannel(local, remote, sink);
		ConnectionService service = session.getService(ConnectionService.class);
		if (service == null) {
			throw new IOException("SSH session has no connection service");
		}
		service.registerChannel(channel);
		return channel;
	}

	@Override
	protected void doWriteData(byte[] data, int off, long len) throws IOException {
		if (isClosing()) {
			// as MINA's channel: data that comes after the close has nowhere to go
			return;
		}
		this.sink.data(data, off, (int) len);
	}

	@Override
	public void handleEof() throws IOException {
		super.handleEof();
		this.sink.ended();
	}

	@Override
	protected void preClose() {
		// closing starts (the peer's close, or ours): no more data comes, and a graceful
		// close may wait for the application's side, so the sink must know now
		this.sink.closing();
		super.preClose();
	}

	/**
	 * MINA's closeable for a client channel waits for the open future, and its immediate
	 * close (the last step of every close, graceful or not) completes that future with a
	 * new {@code SshException}, stack trace and all, even when the channel opened long
	 * ago: 7% of the CPU a new connection cost in the benchmark (docs/performance.md,
	 * step 9, and upstream proposal 8). An open future that is done has nothing to wait
	 * for, so it is left out: MINA's builder adds nothing for a {@code null} future. The
	 * field is restored before the closeable runs, so MINA's own check of it ("never
	 * opened: no close exchange") still sees the future. While MINA builds, another
	 * thread would read {@code null} there; once the open is done only MINA's
	 * {@code waitFor} and {@code getChannelState}, which the tunnel never calls, and that
	 * check, in a close racing this one, read the field. Remove this when MINA creates
	 * the exception only for a future not done yet.
	 */
	@Override
	protected Closeable getInnerCloseable() {
		OpenFuture open = this.openFuture;
		if (open == null || !open.isDone()) {
			return super.getInnerCloseable();
		}
		this.openFuture = null;
		try {
			return super.getInnerCloseable();
		}
		finally {
			this.openFuture = open;
		}
	}

	@Override
	public void handleOpenSuccess(long recipient, long rwSize, long packetSize, Buffer buffer) {
		// the recipient is known from here on, and nothing in the name changes again;
		// fixed before the open future's listeners run, and so before any close (which
		// hides the open future while it builds, see getInnerCloseable)
		this.name = describe(recipient);
		super.handleOpenSuccess(recipient, rwSize, packetSize, buffer);
	}

	private String describe(long recipient) {
		return getClass().getSimpleName() + "[id=" + getChannelId() + ", recipient=" + recipient + "]-" + getSession();
	}

	@Override
	public String toString() {
		String known = this.name;
		return (known != null) ? known : super.toString();
	}

	/**
	 * Where the data of a {@link TunnelChannel} goes. Called on the session's I/O thread,
	 * one packet at a time.
	 */
	interface Sink {

		/**
		 * A packet of data, valid only during the call: copy what is kept.
		 * @param data the packet's buffer
		 * @param offset where the data starts
		 * @param length how many bytes
		 */
		void data(byte[] data, int offset, int length);

		/**
		 * The target sent its EOF: no more data comes. May be called more than once.
		 */
		void ended();

		/**
		 * The channel starts closing, whoever closes it: no more data comes.
		 */
		void closing();

	}

}

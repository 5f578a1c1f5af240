package io.github.sshtunnel.core.forward;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.channel.StreamingChannel.Streaming;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * One local connection carried through a {@code direct-tcpip} channel, without a thread
 * of its own: both directions are chains of asynchronous operations, application to
 * target in {@link OutboundPump} and target to application in {@link InboundPump}. This
 * class opens the channel (bounded by the open timeout) and ends the connection once both
 * directions are done, or at once on any failure.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ForwardedConnection {

	private static final int BUFFER_SIZE = 64 * 1024;

	private final ForwardSettings target;

	private final ForwardCounters counters;

	private final Listener listener;

	private final ClientSession session;

	private final AsynchronousSocketChannel socket;

	private final AtomicBoolean finished = new AtomicBoolean();

	private final OutboundPump outbound = new OutboundPump(this, BUFFER_SIZE);

	private final InboundPump inbound;

	private volatile TunnelChannel channel;

	private volatile boolean outboundDone;

	private volatile boolean inboundDone;

	private volatile boolean channelClosed;

	ForwardedConnection(ForwardSettings target, ClientSession session, AsynchronousSocketChannel socket,
			ForwardCounters counters, ChunkPool chunks, Listener listener) {
		this.target = target;
		this.inbound = new InboundPump(this, chunks);
		this.counters = counters;
		this.listener = listener;
		this.session = session;
		this.socket = socket;
	}

	/**
	 * Open the channel; once the SSH server confirms it, start carrying bytes. Bounded by
	 * the open timeout.
	 * @param deadlines the forward's open bounds
	 * @param timer runs the bound
	 * @param openTimeout the bound on the channel open
	 */
	void start(OpenDeadlines deadlines, ScheduledExecutorService timer, Duration openTimeout) {
		ForwardSettings settings = this.target;
		OpenFuture open;
		try {
			this.socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
			InetSocketAddress origin = (InetSocketAddress) this.socket.getRemoteAddress();
			this.channel = TunnelChannel.create(this.session,
					new SshdSocketAddress(origin.getAddress().getHostAddress(), origin.getPort()),
					new SshdSocketAddress(settings.remoteHost(), settings.remotePort()), this.inbound);
			this.channel.setStreaming(Streaming.Async);
			open = this.channel.open();
		}
		catch (IOException | RuntimeException ex) {
			failed(ex);
			return;
		}
		OpenDeadlines.Deadline deadline = deadlines.start(timer, openTimeout, () -> {
			if (!open.isDone()) {
				failed(new SshTunnelException(
						Reason.CONNECT_TIMEOUT, "SSH server did not open a channel to " + settings.remoteHost() + ":"
								+ settings.remotePort() + " within " + openTimeout.toMillis() + " ms",
						"Check the SSH server."));
			}
		});
		open.addListener((future) -> {
			deadline.cancel();
			if (future.isOpened()) {
				opened();
			}
			else {
				Throwable cause = future.getException();
				failed((cause instanceof Exception exception) ? exception
						: new IOException("Channel open failed", cause));
			}
		});
	}

	private void opened() {
		this.channel.addCloseFutureListener((future) -> {
			this.channelClosed = true;
			finishIfDone();
		});
		this.listener.opened(this);
		this.outbound.start();
		this.inbound.start();
	}

	private void failed(Exception cause) {
		if (this.finished.get()) {
			return;
		}
		this.listener.failed(cause);
		abort();
	}

	AsynchronousSocketChannel socket() {
		return this.socket;
	}

	ChannelDirectTcpip channel() {
		return this.channel;
	}

	ForwardCounters counters() {
		return this.counters;
	}

	/**
	 * The application closed its side and the channel has its EOF.
	 */
	void outboundEnded() {
		this.outboundDone = true;
		finishIfDone();
	}

	/**
	 * The target closed its side and the application has its EOF.
	 */
	void inboundEnded() {
		this.inboundDone = true;
		finishIfDone();
	}

	/**
	 * The channel started closing.
	 */
	void channelClosing() {
		finishIfDone();
	}

	private void finishIfDone() {
		if (this.inboundDone && (this.outboundDone || this.channelClosed)) {
			finish(false);
		}
		else if (this.inboundDone && this.channel.isClosing()) {
			// the peer closed the channel while the application still sends: nothing more
			// can be delivered, and MINA's graceful close would wait for a window that
			// never comes, so close both ends now (as ssh -L closes its socket)
			finish(true);
		}
	}

	/**
	 * Drop the connection at once, in both directions.
	 */
	void abort() {
		finish(true);
	}

	private void finish(boolean immediately) {
		if (!this.finished.compareAndSet(false, true)) {
			return;
		}
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
		ChannelDirectTcpip current = this.channel;
		if (current != null) {
			current.close(immediately);
		}
		this.inbound.close();
		this.listener.finished(this);
	}

	/**
	 * What a connection reports to the forward that accepted it.
	 */
	interface Listener {

		/**
		 * The SSH server opened the channel: bytes flow.
		 * @param connection the connection
		 */
		void opened(ForwardedConnection connection);

		/**
		 * The channel could not be opened.
		 * @param cause why
		 */
		void failed(Exception cause);

		/**
		 * The connection ended, in both directions.
		 * @param connection the connection
		 */
		void finished(ForwardedConnection connection);

	}

}

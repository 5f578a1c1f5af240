package io.github.sshtunnel.core.forward;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.common.channel.StreamingChannel.Streaming;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * One local connection carried through a {@code direct-tcpip} channel, without a thread
 * of its own: both directions are chains of asynchronous operations, application to
 * target in {@link OutboundPump} and target to application in {@link InboundPump}. This
 * class opens the channel (bounded by the open timeout) and ends the connection once both
 * directions are done, or at once on any failure (still telling the SSH server, so that
 * it closes its end and the target connection).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ForwardedConnection {

	private static final int BUFFER_SIZE = 64 * 1024;

	/**
	 * How long an aborted connection's channel waits for the server to answer its close
	 * before it is dropped without the answer.
	 */
	private static final Duration CLOSE_BOUND = Duration.ofSeconds(10);

	/**
	 * How long a channel whose open was given up (it timed out) stays with the session,
	 * waiting for the server's late answer: longer than a server takes to give up on a
	 * target that does not answer (Linux's default TCP connect gives up after 127 s).
	 */
	private static final Duration ABANDONED_OPEN_BOUND = Duration.ofMinutes(3);

	private final ForwardSettings target;

	private final ForwardCounters counters;

	private final Listener listener;

	private final ClientSession session;

	private final AsynchronousSocketChannel socket;

	private final AtomicBoolean finished = new AtomicBoolean();

	private final OutboundPump outbound = new OutboundPump(this, BUFFER_SIZE);

	private final InboundPump inbound;

	private volatile TunnelChannel channel;

	private volatile OpenFuture openFuture;

	private volatile boolean outboundDone;

	private volatile boolean inboundDone;

	private volatile boolean channelClosed;

	/**
	 * The SSH server confirmed the channel: from here on it keeps its end (and the target
	 * connection) until it gets our {@code SSH_MSG_CHANNEL_CLOSE}.
	 */
	private volatile boolean channelOpened;

	private volatile ScheduledExecutorService timer;

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
		this.timer = timer;
		OpenFuture open;
		try {
			this.socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
			InetSocketAddress origin = (InetSocketAddress) this.socket.getRemoteAddress();
			this.channel = TunnelChannel.create(this.session,
					new SshdSocketAddress(origin.getAddress().getHostAddress(), origin.getPort()),
					new SshdSocketAddress(settings.remoteHost(), settings.remotePort()), this.inbound);
			this.channel.setStreaming(Streaming.Async);
			open = this.channel.open();
			this.openFuture = open;
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
		this.channelOpened = true;
		if (this.finished.get()) {
			// given up on while the server opened it: the close still goes to the server
			closeOpenChannelNow(this.channel);
			return;
		}
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
			// can be delivered, so drop what waits for a window that never comes, close
			// the socket and answer the peer's close (as ssh -L does)
			finish(true);
		}
	}

	/**
	 * Drop the connection at once, in both directions; an open channel's close still
	 * reaches the SSH server.
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
			if (!immediately) {
				current.close(false);
			}
			else if (this.channelOpened) {
				closeOpenChannelNow(current);
			}
			else {
				abandonOpen(current);
			}
		}
		this.inbound.close();
		this.listener.finished(this);
	}

	/**
	 * End an open channel at once but still tell the SSH server: the data still queued
	 * for it is dropped, and the channel's close is sent (or answered). MINA's immediate
	 * close sends no {@code SSH_MSG_CHANNEL_CLOSE}, and without one the server keeps its
	 * end of the channel, and the target connection behind it, until the session ends;
	 * OpenSSH's {@code sshd} then also goes over every such channel in each round of its
	 * main loop. MINA's graceful close sends it, but only after the queued writes, which
	 * may wait for a window the server no longer opens: so those go first. Should the
	 * server not answer, the channel is dropped after {@link #CLOSE_BOUND}.
	 * @param current the channel
	 */
	private void closeOpenChannelNow(ChannelDirectTcpip current) {
		IoOutputStream queued = current.getAsyncIn();
		if (queued != null) {
			queued.close(true);
		}
		current.close(false);
		dropIfStillOpen(current, CLOSE_BOUND);
	}

	/**
	 * End a channel the server has not confirmed yet. If the open is still under way (it
	 * timed out), the channel stays with the session until the server answers: MINA
	 * closes a cancelled open's channel properly once the server confirms it, instead of
	 * ignoring the confirmation of a channel it no longer knows, which would leave the
	 * server's end, and the target connection behind it, open until the session ends.
	 * Should the server not answer, the channel is dropped after
	 * {@link #ABANDONED_OPEN_BOUND}.
	 * @param current the channel
	 */
	private void abandonOpen(ChannelDirectTcpip current) {
		OpenFuture open = this.openFuture;
		if (open == null || (open.isDone() && !open.isOpened())) {
			// never sent, or refused: the server keeps nothing
			current.close(true);
			return;
		}
		open.cancel();
		if (open.isCanceled()) {
			dropIfStillOpen(current, ABANDONED_OPEN_BOUND);
		}
		// else the server confirmed it just now, and opened() closes it
	}

	private void dropIfStillOpen(ChannelDirectTcpip current, Duration bound) {
		ScheduledExecutorService scheduler = this.timer;
		if (current.isClosed() || scheduler == null) {
			return;
		}
		// weakly: a cancelled task stays in the timer's queue until its time, and must
		// not hold the channel there (the session holds it until it is closed)
		WeakReference<ChannelDirectTcpip> waiting = new WeakReference<>(current);
		try {
			ScheduledFuture<?> drop = scheduler.schedule(() -> {
				ChannelDirectTcpip channel = waiting.get();
				if (channel != null) {
					channel.close(true);
				}
			}, bound.toMillis(), TimeUnit.MILLISECONDS);
			current.addCloseFutureListener((future) -> drop.cancel(false));
		}
		catch (RejectedExecutionException ex) {
			// the tunnel is closing, and its session with every channel
		}
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

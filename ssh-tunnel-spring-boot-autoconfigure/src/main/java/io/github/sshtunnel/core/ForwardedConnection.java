package io.github.sshtunnel.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
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
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.common.util.net.SshdSocketAddress;

import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * One local connection carried through a {@code direct-tcpip} channel, without a thread
 * of its own: both directions are chains of asynchronous operations. Application bytes
 * are read from the local socket into one of two buffers and written to the channel; the
 * next read overlaps that write, and reading pauses only while both buffers wait for the
 * channel (so the SSH window throttles the application). Target bytes read from the
 * channel are written to the local socket; the next channel read (which opens the SSH
 * window again) starts when the socket took them (so a slow application throttles the
 * target).
 * <p>
 * Each buffer is reused only after the operation that used it completed. Bytes are
 * counted when they have been handed on, so the counters are exact.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ForwardedConnection {

	private static final int BUFFER_SIZE = 64 * 1024;

	private final LocalForward forward;

	private final ClientSession session;

	private final AsynchronousSocketChannel socket;

	private final AtomicBoolean finished = new AtomicBoolean();

	private final ByteBuffer[] outbound = { ByteBuffer.allocate(BUFFER_SIZE), ByteBuffer.allocate(BUFFER_SIZE) };

	private final Object outboundLock = new Object();

	private ByteBuffer pendingChunk;

	private boolean writing;

	private boolean localEof;

	private final ByteArrayBuffer inbound = new ByteArrayBuffer(new byte[BUFFER_SIZE], 0, 0, false);

	private volatile ChannelDirectTcpip channel;

	private volatile boolean outboundDone;

	private volatile boolean inboundDone;

	private volatile boolean channelClosed;

	ForwardedConnection(LocalForward forward, ClientSession session, AsynchronousSocketChannel socket) {
		this.forward = forward;
		this.session = session;
		this.socket = socket;
	}

	/**
	 * Open the channel; once the SSH server confirms it, start carrying bytes. Bounded by
	 * the open timeout.
	 * @param scheduler runs the timeout
	 * @param openTimeout the bound on the channel open
	 */
	void start(ScheduledExecutorService scheduler, Duration openTimeout) {
		ForwardSettings settings = this.forward.settings();
		OpenFuture open;
		try {
			this.socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
			InetSocketAddress origin = (InetSocketAddress) this.socket.getRemoteAddress();
			this.channel = this.session.createDirectTcpipChannel(
					new SshdSocketAddress(origin.getAddress().getHostAddress(), origin.getPort()),
					new SshdSocketAddress(settings.remoteHost(), settings.remotePort()));
			this.channel.setStreaming(Streaming.Async);
			open = this.channel.open();
		}
		catch (IOException | RuntimeException ex) {
			failed(ex);
			return;
		}
		ScheduledFuture<?> timeout = scheduleTimeout(scheduler, openTimeout, open);
		open.addListener((future) -> {
			if (timeout != null) {
				timeout.cancel(false);
			}
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

	private ScheduledFuture<?> scheduleTimeout(ScheduledExecutorService scheduler, Duration openTimeout,
			OpenFuture open) {
		try {
			return scheduler.schedule(() -> {
				if (!open.isDone()) {
					failed(new SshTunnelException(Reason.CONNECT_TIMEOUT,
							"SSH server did not open a channel to " + this.forward.settings().remoteHost() + ":"
									+ this.forward.settings().remotePort() + " within " + openTimeout.toMillis()
									+ " ms",
							"Check the SSH server."));
				}
			}, openTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			return null;
		}
	}

	private void opened() {
		this.channel.addCloseFutureListener((future) -> {
			this.channelClosed = true;
			finishIfDone();
		});
		this.forward.opened(this);
		readLocal(this.outbound[0]);
		readRemote();
	}

	private void failed(Exception cause) {
		if (this.finished.get()) {
			return;
		}
		this.forward.failed(cause);
		abort();
	}

	// application -> target: two buffers, so that reading the next chunk from the
	// application overlaps writing the previous one to the channel

	private void readLocal(ByteBuffer buffer) {
		buffer.clear();
		try {
			this.socket.read(buffer, null, new CompletionHandler<Integer, Void>() {

				@Override
				public void completed(Integer read, Void attachment) {
					chunkRead(buffer, read);
				}

				@Override
				public void failed(Throwable ex, Void attachment) {
					abort();
				}

			});
		}
		catch (RuntimeException ex) {
			abort();
		}
	}

	private void chunkRead(ByteBuffer buffer, int read) {
		boolean write = false;
		boolean end = false;
		synchronized (this.outboundLock) {
			if (read < 0) {
				this.localEof = true;
				end = !this.writing;
			}
			else {
				buffer.flip();
				if (this.writing) {
					// both buffers are busy: stop reading until the channel took a chunk
					this.pendingChunk = buffer;
				}
				else {
					this.writing = true;
					write = true;
				}
			}
		}
		if (end) {
			localEnded();
		}
		else if (write) {
			writeRemote(buffer);
			readLocal(other(buffer));
		}
	}

	private void writeRemote(ByteBuffer buffer) {
		int length = buffer.remaining();
		try {
			IoWriteFuture write = this.channel.getAsyncIn()
				.writeBuffer(new ByteArrayBuffer(buffer.array(), buffer.position(), length, true));
			write.addListener((future) -> {
				if (future.isWritten()) {
					this.forward.bytesOutbound.add(length);
					chunkWritten(buffer);
				}
				else {
					abort();
				}
			});
		}
		catch (IOException | RuntimeException ex) {
			abort();
		}
	}

	private void chunkWritten(ByteBuffer written) {
		ByteBuffer next;
		boolean end = false;
		synchronized (this.outboundLock) {
			next = this.pendingChunk;
			this.pendingChunk = null;
			if (next == null) {
				this.writing = false;
				end = this.localEof;
			}
		}
		if (next != null) {
			writeRemote(next);
			// reading had stopped while both buffers were busy: resume into the free one
			readLocal(written);
		}
		else if (end) {
			localEnded();
		}
	}

	private ByteBuffer other(ByteBuffer buffer) {
		return (buffer == this.outbound[0]) ? this.outbound[1] : this.outbound[0];
	}

	private void localEnded() {
		// the application closed its side and every chunk is written: send EOF, keep
		// reading the answer
		this.outboundDone = true;
		try {
			this.channel.getAsyncIn().close(false);
		}
		catch (RuntimeException ex) {
			abort();
			return;
		}
		finishIfDone();
	}

	// target -> application

	private void readRemote() {
		this.inbound.clear(false);
		try {
			IoReadFuture read = this.channel.getAsyncOut().read(this.inbound);
			read.addListener((future) -> {
				int length;
				try {
					length = future.getRead();
				}
				catch (RuntimeException ex) {
					abort();
					return;
				}
				if (length < 0) {
					remoteEnded();
				}
				else {
					writeLocal(ByteBuffer.wrap(this.inbound.array(), this.inbound.rpos(), length), length);
				}
			});
		}
		catch (RuntimeException ex) {
			abort();
		}
	}

	private void writeLocal(ByteBuffer data, int length) {
		try {
			this.socket.write(data, null, new CompletionHandler<Integer, Void>() {

				@Override
				public void completed(Integer written, Void attachment) {
					if (data.hasRemaining()) {
						writeLocal(data, length);
					}
					else {
						ForwardedConnection.this.forward.bytesInbound.add(length);
						readRemote();
					}
				}

				@Override
				public void failed(Throwable ex, Void attachment) {
					abort();
				}

			});
		}
		catch (RuntimeException ex) {
			abort();
		}
	}

	private void remoteEnded() {
		// the target closed its side: pass the EOF on to the application
		this.inboundDone = true;
		try {
			if (this.socket.isOpen()) {
				this.socket.shutdownOutput();
			}
		}
		catch (IOException ex) {
			abort();
			return;
		}
		finishIfDone();
	}

	private void finishIfDone() {
		if (this.inboundDone && (this.outboundDone || this.channelClosed)) {
			finish(false);
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
		this.forward.finished(this);
	}

}

package io.github.sshtunnel.core.forward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Application to target: bytes read from the local socket into one of two buffers and
 * written to the channel; the next read overlaps that write, and reading pauses only
 * while both buffers wait for the channel (so the SSH window throttles the application).
 * Each buffer is reused only after the operation that used it completed; a chunk is
 * counted when the channel took it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class OutboundPump {

	private final ForwardedConnection connection;

	private final ByteBuffer[] buffers;

	private final Object lock = new Object();

	private ByteBuffer pendingChunk;

	private boolean writing;

	private boolean localEof;

	OutboundPump(ForwardedConnection connection, int bufferSize) {
		this.connection = connection;
		this.buffers = new ByteBuffer[] { ByteBuffer.allocate(bufferSize), ByteBuffer.allocate(bufferSize) };
	}

	void start() {
		readLocal(this.buffers[0]);
	}

	private void readLocal(ByteBuffer buffer) {
		buffer.clear();
		try {
			this.connection.socket().read(buffer, null, new CompletionHandler<Integer, Void>() {

				@Override
				public void completed(Integer read, Void attachment) {
					chunkRead(buffer, read);
				}

				@Override
				public void failed(Throwable ex, Void attachment) {
					OutboundPump.this.connection.abort();
				}

			});
		}
		catch (RuntimeException ex) {
			this.connection.abort();
		}
	}

	private void chunkRead(ByteBuffer buffer, int read) {
		boolean write = false;
		boolean end = false;
		synchronized (this.lock) {
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
			IoWriteFuture write = this.connection.channel()
				.getAsyncIn()
				.writeBuffer(new ByteArrayBuffer(buffer.array(), buffer.position(), length, true));
			write.addListener((future) -> {
				if (future.isWritten()) {
					this.connection.counters().outbound(length);
					chunkWritten(buffer);
				}
				else {
					this.connection.abort();
				}
			});
		}
		catch (IOException | RuntimeException ex) {
			this.connection.abort();
		}
	}

	private void chunkWritten(ByteBuffer written) {
		ByteBuffer next;
		boolean end = false;
		synchronized (this.lock) {
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
		return (buffer == this.buffers[0]) ? this.buffers[1] : this.buffers[0];
	}

	private void localEnded() {
		// the application closed its side and every chunk is written: send EOF, keep
		// reading the answer
		try {
			this.connection.channel().getAsyncIn().close(false);
		}
		catch (RuntimeException ex) {
			this.connection.abort();
			return;
		}
		this.connection.outboundEnded();
	}

}

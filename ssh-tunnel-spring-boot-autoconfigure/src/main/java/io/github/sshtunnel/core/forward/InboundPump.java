package io.github.sshtunnel.core.forward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import io.github.sshtunnel.core.io.ReadCycle;

/**
 * Target to application: the channel hands each packet's data to this sink, which copies
 * it once, into direct chunks from the forward's {@link ChunkPool}, and writes what a
 * read of the SSH socket brought with one (gathering) write of the local socket at the
 * end of that read. The SSH window opens by what the local socket took, so a slow
 * application throttles the target, and at most a window of data (plus the chunk being
 * filled) waits here. A chunk is counted when the socket took it.
 * <p>
 * One copy per packet, as {@code ssh -L} makes: MINA's asynchronous input stream copied
 * each packet into its queue and again into the reader's buffer, and the JDK copied heap
 * buffers once more into a direct one for the system call (docs/performance.md).
 * <p>
 * Packets and EOF come on the session's I/O thread; write completions on the channel
 * group's; closing from anywhere. One lock guards the chunks and flags.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class InboundPump implements TunnelChannel.Sink {

	private final ForwardedConnection connection;

	private final ChunkPool pool;

	/** Chunks that take new data; all but the last are full. */
	private final ArrayDeque<ByteBuffer> filling = new ArrayDeque<>();

	/** The chunks of the write in flight, flipped for reading; null when none is. */
	private ByteBuffer[] writing;

	private boolean flushScheduled;

	private boolean started;

	private boolean ended;

	private boolean endPassedOn;

	private final Written<Integer> writtenOne = new Written<>();

	private final Written<Long> writtenMany = new Written<>();

	InboundPump(ForwardedConnection connection, ChunkPool pool) {
		this.connection = connection;
		this.pool = pool;
	}

	/**
	 * The channel is open: from now on the end of the target's data is passed on (a
	 * channel that closes before it opened is a failed connection, not an ended one).
	 */
	void start() {
		synchronized (this) {
			this.started = true;
		}
		endIfDrained();
	}

	@Override
	public void data(byte[] data, int offset, int length) {
		synchronized (this) {
			if (this.endPassedOn) {
				return;
			}
			int position = offset;
			int left = length;
			while (left > 0) {
				ByteBuffer tail = this.filling.peekLast();
				if (tail == null || !tail.hasRemaining()) {
					tail = this.pool.take();
					this.filling.addLast(tail);
				}
				int count = Math.min(left, tail.remaining());
				tail.put(data, position, count);
				position += count;
				left -= count;
			}
			if (this.writing != null || this.flushScheduled) {
				// goes with the write after the one in flight, or with the deferred one
				return;
			}
			this.flushScheduled = true;
		}
		// after the rest of this SSH read is decoded, so its packets go in one write
		ReadCycle.defer(this::flush);
	}

	@Override
	public void ended() {
		synchronized (this) {
			if (this.ended) {
				return;
			}
			this.ended = true;
		}
		endIfDrained();
	}

	@Override
	public void closing() {
		ended();
		// the EOF may have been passed on long ago: the connection decides again
		this.connection.channelClosing();
	}

	private void flush() {
		ByteBuffer[] chunks;
		synchronized (this) {
			this.flushScheduled = false;
			if (this.writing != null) {
				return;
			}
			chunks = startWrite();
		}
		if (chunks != null) {
			write(chunks);
		}
		else {
			endIfDrained();
		}
	}

	/**
	 * Under the lock: move the filled chunks to the write, flipped for reading.
	 * @return the chunks to write, or null when there is no data
	 */
	private ByteBuffer[] startWrite() {
		if (this.filling.isEmpty()) {
			return null;
		}
		ByteBuffer[] chunks = new ByteBuffer[this.filling.size()];
		for (int i = 0; i < chunks.length; i++) {
			chunks[i] = this.filling.pollFirst().flip();
		}
		this.writing = chunks;
		return chunks;
	}

	private void write(ByteBuffer[] chunks) {
		try {
			if (chunks.length == 1) {
				this.connection.socket().write(chunks[0], chunks, this.writtenOne);
			}
			else {
				this.connection.socket()
					.write(chunks, 0, chunks.length, 0, TimeUnit.MILLISECONDS, chunks, this.writtenMany);
			}
		}
		catch (RuntimeException ex) {
			this.connection.abort();
		}
	}

	private void written(ByteBuffer[] chunks, long count) {
		try {
			// the application took them: the target may send as much again
			this.connection.channel().getLocalWindow().release(count);
		}
		catch (IOException | RuntimeException ex) {
			this.connection.abort();
			return;
		}
		this.connection.counters().inbound(count);
		ByteBuffer[] next;
		synchronized (this) {
			int first = 0;
			while (first < chunks.length && !chunks[first].hasRemaining()) {
				this.pool.give(chunks[first]);
				first++;
			}
			if (first < chunks.length) {
				// a partial write: the rest first, then what came meanwhile
				next = new ByteBuffer[chunks.length - first];
				System.arraycopy(chunks, first, next, 0, next.length);
				this.writing = next;
			}
			else {
				this.writing = null;
				next = startWrite();
			}
		}
		if (next != null) {
			write(next);
		}
		else {
			endIfDrained();
		}
	}

	private void endIfDrained() {
		boolean passOn;
		synchronized (this) {
			passOn = this.started && this.ended && this.writing == null && this.filling.isEmpty()
					&& !this.flushScheduled;
		}
		if (passOn) {
			passEndOn();
		}
	}

	/**
	 * The connection ended: data that still comes is dropped, and the chunks no write
	 * uses go back to the pool (those of a write in flight go to the garbage collector,
	 * since the failing write may still touch them).
	 */
	void close() {
		synchronized (this) {
			this.endPassedOn = true;
			ByteBuffer chunk;
			while ((chunk = this.filling.pollFirst()) != null) {
				this.pool.give(chunk);
			}
		}
	}

	private void passEndOn() {
		synchronized (this) {
			if (this.endPassedOn) {
				return;
			}
			this.endPassedOn = true;
		}
		// the target closed its side and the application has all its data: pass the EOF
		// on
		try {
			if (this.connection.socket().isOpen()) {
				this.connection.socket().shutdownOutput();
			}
		}
		catch (IOException ex) {
			this.connection.abort();
			return;
		}
		this.connection.inboundEnded();
	}

	private final class Written<V extends Number> implements CompletionHandler<V, ByteBuffer[]> {

		@Override
		public void completed(V count, ByteBuffer[] chunks) {
			written(chunks, count.longValue());
		}

		@Override
		public void failed(Throwable ex, ByteBuffer[] chunks) {
			InboundPump.this.connection.abort();
		}

	}

}

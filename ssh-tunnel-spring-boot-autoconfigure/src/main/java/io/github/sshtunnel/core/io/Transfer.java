package io.github.sshtunnel.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SocketChannel;

/**
 * One operation of a {@link LoopSocket}: its buffers, its completion handler and its
 * time-out. A connect has no buffers and completes with {@code null}; a read or write of
 * one buffer with an {@code Integer}, of several with a {@code Long}, as the JDK's
 * channels do.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class Transfer {

	private final ByteBuffer[] buffers;

	private final int offset;

	private final int length;

	private final boolean many;

	@SuppressWarnings("rawtypes")
	private final CompletionHandler handler;

	private final Object attachment;

	/** A {@link System#nanoTime()} value, 0 for none. */
	final long deadline;

	Transfer(ByteBuffer[] buffers, int offset, int length, boolean many, CompletionHandler<?, ?> handler,
			Object attachment, long deadline) {
		if (handler == null) {
			throw new NullPointerException("handler");
		}
		if (buffers != null && (offset < 0 || length < 0 || offset > buffers.length - length)) {
			throw new IndexOutOfBoundsException();
		}
		this.buffers = buffers;
		this.offset = offset;
		this.length = length;
		this.many = many;
		this.handler = handler;
		this.attachment = attachment;
		this.deadline = deadline;
	}

	long remaining() {
		long remaining = 0;
		for (int i = this.offset; i < this.offset + this.length; i++) {
			remaining += this.buffers[i].remaining();
		}
		return remaining;
	}

	/** Copy every byte left into the target, which has room for them. */
	void copyTo(ByteBuffer target) {
		for (int i = this.offset; i < this.offset + this.length; i++) {
			target.put(this.buffers[i]);
		}
	}

	/** Return the buffers with another one in front, for one gathering write. */
	ByteBuffer[] behind(ByteBuffer first) {
		ByteBuffer[] all = new ByteBuffer[1 + this.length];
		all[0] = first;
		System.arraycopy(this.buffers, this.offset, all, 1, this.length);
		return all;
	}

	long writeTo(SocketChannel channel) throws IOException {
		return this.many ? channel.write(this.buffers, this.offset, this.length) : channel.write(this.buffers[0]);
	}

	/**
	 * Read once. A read into one heap buffer goes through the loop's direct buffer, as
	 * the JDK's own would go through a temporary one.
	 * @param channel the socket
	 * @param loop the socket's loop
	 * @return what was read, or -1 at the end of the stream
	 * @throws IOException if the read fails
	 */
	long readFrom(SocketChannel channel, EventLoop loop) throws IOException {
		if (this.many) {
			return channel.read(this.buffers, this.offset, this.length);
		}
		ByteBuffer target = this.buffers[0];
		if (target.isDirect()) {
			return channel.read(target);
		}
		ByteBuffer through = loop.readBuffer();
		through.clear();
		if (target.remaining() < through.capacity()) {
			through.limit(target.remaining());
		}
		int count = channel.read(through);
		if (count > 0) {
			through.flip();
			target.put(through);
		}
		return count;
	}

	@SuppressWarnings("unchecked")
	void complete(long count) {
		Object result;
		if (this.buffers == null) {
			result = null;
		}
		else if (this.many) {
			result = count;
		}
		else {
			result = (int) count;
		}
		this.handler.completed(result, this.attachment);
	}

	@SuppressWarnings("unchecked")
	void fail(Throwable cause) {
		this.handler.failed(cause, this.attachment);
	}

	/** Complete in the loop's current round, after the caller returned. */
	void completeLater(EventLoop loop, long count) {
		loop.later(() -> complete(count));
	}

	/** Fail in the loop's current round, after the caller returned. */
	void failLater(EventLoop loop, Throwable cause) {
		loop.later(() -> fail(cause));
	}

}

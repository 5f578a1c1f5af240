package io.github.sshtunnel.core.io;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP socket of an {@link EventLoop}, with the JDK's asynchronous socket API.
 * <p>
 * Reads wait until the selector finds the socket readable, then read once. Writes go out
 * at the end of the loop's round: a small one (up to {@link #COPY_LIMIT} bytes) is copied
 * into the socket's output buffer and completes at once, so that the packets of one round
 * leave with one {@code write}; a larger one is written from the caller's buffers, after
 * what was copied before it, and completes with what the socket took. Output that was
 * copied is written before {@link #shutdownOutput()} takes effect, and before the socket
 * closes (for up to {@link #LINGER} when the peer does not take it). A read into a heap
 * buffer goes through the loop's direct read buffer ({@code EventLoop.readBuffer()}).
 * <p>
 * Public methods may be called on any thread; the socket's state is kept on the loop's.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class LoopSocket extends AsynchronousSocketChannel implements LoopChannel {

	/** The output buffer of a socket, taken while it has copied output. */
	static final int COPY_CAPACITY = 64 * 1024;

	/** Writes up to this size are copied and complete at once. */
	static final int COPY_LIMIT = 8 * 1024;

	/**
	 * How long a closed socket goes on writing output that was copied (and so reported as
	 * written) before it closed, when the peer does not take it at once.
	 */
	static final Duration LINGER = Duration.ofSeconds(10);

	private static final Logger logger = LoggerFactory.getLogger(LoopSocket.class);

	private final EventLoop loop;

	private final SocketChannel channel;

	private final Registration registration;

	private volatile boolean closed;

	private Transfer connecting;

	private Transfer reading;

	private Transfer writing;

	/** Copied output, in write mode; null when there is none. */
	private ByteBuffer copied;

	private boolean flushQueued;

	private boolean outputShutdownRequested;

	private IOException writeFailure;

	/** While a closed socket still writes what was copied: when it gives up. */
	private long lingerDeadline;

	/**
	 * A socket of the loop: a new one when {@code accepted} is null.
	 */
	LoopSocket(EventLoop loop, SocketChannel accepted) throws IOException {
		super(LoopProvider.INSTANCE);
		this.loop = loop;
		this.channel = (accepted != null) ? accepted : SocketChannel.open();
		try {
			this.channel.configureBlocking(false);
			loop.added(this);
		}
		catch (IOException | RuntimeException ex) {
			this.channel.close();
			throw ex;
		}
		this.registration = new Registration(loop, this.channel, this);
	}

	@Override
	public AsynchronousSocketChannel bind(SocketAddress local) throws IOException {
		this.channel.bind(local);
		return this;
	}

	@Override
	public <T> AsynchronousSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
		this.channel.setOption(name, value);
		return this;
	}

	@Override
	public <T> T getOption(SocketOption<T> name) throws IOException {
		return this.channel.getOption(name);
	}

	@Override
	public Set<SocketOption<?>> supportedOptions() {
		return this.channel.supportedOptions();
	}

	@Override
	public SocketAddress getLocalAddress() throws IOException {
		return this.channel.getLocalAddress();
	}

	@Override
	public SocketAddress getRemoteAddress() throws IOException {
		return this.channel.getRemoteAddress();
	}

	@Override
	public boolean isOpen() {
		return !this.closed && this.channel.isOpen();
	}

	@Override
	public AsynchronousSocketChannel shutdownInput() throws IOException {
		this.channel.shutdownInput();
		return this;
	}

	@Override
	public AsynchronousSocketChannel shutdownOutput() throws IOException {
		if (!isOpen()) {
			throw new ClosedChannelException();
		}
		onLoop(() -> {
			this.outputShutdownRequested = true;
			flushLater();
		});
		return this;
	}

	@Override
	public <A> void connect(SocketAddress remote, A attachment, CompletionHandler<Void, ? super A> handler) {
		Transfer transfer = new Transfer(null, 0, 0, false, handler, attachment, 0);
		onLoop(() -> startConnect(remote, transfer));
	}

	@Override
	public Future<Void> connect(SocketAddress remote) {
		LoopFuture<Void> future = new LoopFuture<>(this);
		connect(remote, null, future);
		return future;
	}

	@Override
	public <A> void read(ByteBuffer dst, long timeout, TimeUnit unit, A attachment,
			CompletionHandler<Integer, ? super A> handler) {
		writable(dst);
		Transfer transfer = new Transfer(new ByteBuffer[] { dst }, 0, 1, false, handler, attachment,
				deadline(timeout, unit));
		onLoop(() -> startRead(transfer));
	}

	@Override
	public Future<Integer> read(ByteBuffer dst) {
		LoopFuture<Integer> future = new LoopFuture<>(this);
		read(dst, 0, TimeUnit.MILLISECONDS, null, future);
		return future;
	}

	@Override
	public <A> void read(ByteBuffer[] dsts, int offset, int length, long timeout, TimeUnit unit, A attachment,
			CompletionHandler<Long, ? super A> handler) {
		Transfer transfer = new Transfer(dsts, offset, length, true, handler, attachment, deadline(timeout, unit));
		for (int i = offset; i < offset + length; i++) {
			writable(dsts[i]);
		}
		onLoop(() -> startRead(transfer));
	}

	@Override
	public <A> void write(ByteBuffer src, long timeout, TimeUnit unit, A attachment,
			CompletionHandler<Integer, ? super A> handler) {
		Transfer transfer = new Transfer(new ByteBuffer[] { src }, 0, 1, false, handler, attachment,
				deadline(timeout, unit));
		onLoop(() -> startWrite(transfer));
	}

	@Override
	public Future<Integer> write(ByteBuffer src) {
		LoopFuture<Integer> future = new LoopFuture<>(this);
		write(src, 0, TimeUnit.MILLISECONDS, null, future);
		return future;
	}

	@Override
	public <A> void write(ByteBuffer[] srcs, int offset, int length, long timeout, TimeUnit unit, A attachment,
			CompletionHandler<Long, ? super A> handler) {
		Transfer transfer = new Transfer(srcs, offset, length, true, handler, attachment, deadline(timeout, unit));
		onLoop(() -> startWrite(transfer));
	}

	@Override
	public void close() throws IOException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		onLoop(this::closeNow);
	}

	// on the loop's thread from here on

	private void startConnect(SocketAddress remote, Transfer transfer) {
		if (this.closed) {
			transfer.failLater(this.loop, new AsynchronousCloseException());
			return;
		}
		try {
			if (this.channel.connect(remote)) {
				transfer.completeLater(this.loop, 0);
				return;
			}
			this.connecting = transfer;
			this.registration.add(SelectionKey.OP_CONNECT);
		}
		catch (IOException | RuntimeException ex) {
			this.connecting = null;
			transfer.failLater(this.loop, ex);
		}
	}

	private void startRead(Transfer transfer) {
		if (this.closed) {
			transfer.failLater(this.loop, new AsynchronousCloseException());
			return;
		}
		if (transfer.remaining() == 0) {
			transfer.completeLater(this.loop, 0);
			return;
		}
		try {
			this.reading = transfer;
			this.registration.add(SelectionKey.OP_READ);
			if (transfer.deadline != 0) {
				this.loop.timed(this);
			}
		}
		catch (IOException | RuntimeException ex) {
			this.reading = null;
			transfer.failLater(this.loop, ex);
		}
	}

	private void startWrite(Transfer transfer) {
		if (this.closed) {
			transfer.failLater(this.loop, new AsynchronousCloseException());
			return;
		}
		if (this.outputShutdownRequested) {
			transfer.failLater(this.loop, new ClosedChannelException());
			return;
		}
		if (this.writeFailure != null) {
			transfer.failLater(this.loop, this.writeFailure);
			return;
		}
		long size = transfer.remaining();
		if (size == 0) {
			transfer.completeLater(this.loop, 0);
			return;
		}
		if (this.writing == null && size <= COPY_LIMIT && (this.copied == null || this.copied.remaining() >= size)) {
			if (this.copied == null) {
				this.copied = this.loop.takeCopyBuffer();
			}
			transfer.copyTo(this.copied);
			transfer.completeLater(this.loop, size);
		}
		else {
			this.writing = transfer;
			if (transfer.deadline != 0) {
				this.loop.timed(this);
			}
		}
		flushLater();
	}

	private void flushLater() {
		if (!this.flushQueued) {
			this.flushQueued = true;
			this.loop.unflushed(this);
		}
	}

	/**
	 * Write what is buffered and the write that waits, with one system call.
	 */
	void flush() {
		this.flushQueued = false;
		if (this.closed) {
			if (this.lingerDeadline != 0) {
				lingerFlush();
			}
			return;
		}
		Transfer transfer = this.writing;
		boolean blocked = false;
		if (hasCopied() || transfer != null) {
			try {
				blocked = write(transfer);
			}
			catch (IOException ex) {
				this.writeFailure = ex;
				this.writing = null;
				this.registration.remove(SelectionKey.OP_WRITE);
				if (transfer != null) {
					transfer.fail(ex);
				}
				return;
			}
		}
		if (blocked) {
			// the kernel took less than all: go on when the socket can take more
			try {
				this.registration.add(SelectionKey.OP_WRITE);
			}
			catch (IOException ex) {
				logger.debug("Could not wait for {} to take output", this, ex);
			}
			return;
		}
		if (this.flushQueued || this.writing != null || hasCopied()) {
			// the completion wrote again: that goes at the end of this round
			return;
		}
		this.registration.remove(SelectionKey.OP_WRITE);
		if (this.outputShutdownRequested && this.channel.isOpen()) {
			try {
				this.channel.shutdownOutput();
			}
			catch (IOException ex) {
				logger.debug("Could not shut down the output of {}", this, ex);
			}
		}
	}

	/**
	 * Write what was copied and the waiting write with one system call, and complete the
	 * waiting write with what the kernel took of it.
	 * @return whether the kernel took less than all
	 */
	private boolean write(Transfer transfer) throws IOException {
		long before = (transfer != null) ? transfer.remaining() : 0;
		if (hasCopied()) {
			this.copied.flip();
			try {
				if (transfer == null) {
					this.channel.write(this.copied);
				}
				else {
					this.channel.write(transfer.behind(this.copied));
				}
			}
			finally {
				this.copied.compact();
			}
			if (this.copied.position() == 0) {
				this.loop.giveCopyBuffer(this.copied);
				this.copied = null;
			}
		}
		else {
			transfer.writeTo(this.channel);
		}
		boolean blocked = hasCopied() || (transfer != null && transfer.remaining() > 0);
		if (transfer != null) {
			long written = before - transfer.remaining();
			if (written > 0) {
				// as the JDK does: a write completes with what the socket took
				this.writing = null;
				transfer.complete(written);
			}
		}
		return blocked;
	}

	@Override
	public void ready(SelectionKey key) {
		if (!key.isValid()) {
			return;
		}
		int ready = key.readyOps();
		if ((ready & SelectionKey.OP_CONNECT) != 0) {
			connectReady();
		}
		if ((ready & SelectionKey.OP_READ) != 0) {
			readReady();
		}
		if ((ready & SelectionKey.OP_WRITE) != 0 && !this.flushQueued) {
			flush();
		}
	}

	private void connectReady() {
		Transfer transfer = this.connecting;
		if (transfer == null) {
			this.registration.remove(SelectionKey.OP_CONNECT);
			return;
		}
		try {
			if (!this.channel.finishConnect()) {
				return;
			}
			this.connecting = null;
			this.registration.remove(SelectionKey.OP_CONNECT);
			transfer.complete(0);
		}
		catch (IOException | RuntimeException ex) {
			this.connecting = null;
			this.registration.remove(SelectionKey.OP_CONNECT);
			transfer.fail(ex);
		}
	}

	private void readReady() {
		Transfer transfer = this.reading;
		if (transfer == null) {
			// nobody reads now: stop asking until somebody does
			this.registration.remove(SelectionKey.OP_READ);
			return;
		}
		long count;
		try {
			count = transfer.readFrom(this.channel, this.loop);
		}
		catch (IOException | RuntimeException ex) {
			this.reading = null;
			transfer.fail(ex);
			return;
		}
		if (count == 0) {
			return;
		}
		// the reader usually reads again in its handler: the socket stays registered
		this.reading = null;
		transfer.complete(count);
	}

	@Override
	public long deadline() {
		return earliest(earliest(this.lingerDeadline, this.reading), this.writing);
	}

	private static long earliest(long deadline, Transfer transfer) {
		if (transfer == null || transfer.deadline == 0) {
			return deadline;
		}
		return (deadline == 0 || transfer.deadline - deadline < 0) ? transfer.deadline : deadline;
	}

	@Override
	public void expire(long now) {
		if (this.lingerDeadline != 0 && this.lingerDeadline - now <= 0) {
			finishClose();
			return;
		}
		Transfer read = this.reading;
		if (read != null && read.deadline != 0 && read.deadline - now <= 0) {
			this.reading = null;
			this.registration.remove(SelectionKey.OP_READ);
			read.fail(new InterruptedByTimeoutException());
		}
		Transfer write = this.writing;
		if (write != null && write.deadline != 0 && write.deadline - now <= 0) {
			this.writing = null;
			this.writeFailure = new IOException("Write timed out");
			write.fail(new InterruptedByTimeoutException());
		}
	}

	private void closeNow() {
		for (Transfer transfer : new Transfer[] { this.connecting, this.reading, this.writing }) {
			if (transfer != null) {
				transfer.failLater(this.loop, new AsynchronousCloseException());
			}
		}
		this.connecting = null;
		this.reading = null;
		this.writing = null;
		this.registration.remove(SelectionKey.OP_READ | SelectionKey.OP_CONNECT);
		if (hasCopied() && this.writeFailure == null && this.channel.isOpen() && !this.loop.isStopping()) {
			// what was copied was reported as written: it goes before the socket closes
			lingerFlush();
			if (hasCopied()) {
				this.lingerDeadline = deadline(LINGER.toMillis(), TimeUnit.MILLISECONDS);
				this.loop.timed(this);
				return;
			}
		}
		finishClose();
	}

	/**
	 * Write what was copied before a close; close once it is written, it cannot be, or
	 * the linger time is over.
	 */
	private void lingerFlush() {
		try {
			this.copied.flip();
			this.channel.write(this.copied);
			this.copied.compact();
			if (hasCopied()) {
				this.registration.add(SelectionKey.OP_WRITE);
				return;
			}
		}
		catch (IOException ex) {
			logger.debug("Could not write the last output of {}", this, ex);
			this.copied = null;
		}
		if (this.lingerDeadline != 0) {
			finishClose();
		}
	}

	private void finishClose() {
		this.lingerDeadline = 0;
		ByteBuffer copy = this.copied;
		this.copied = null;
		if (copy != null && this.loop.inLoop() && !this.loop.isStopping()) {
			// the pool is the loop's own: only its thread, while it runs, takes and gives
			this.loop.giveCopyBuffer(copy);
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close {}", this, ex);
		}
		this.loop.removed(this);
	}

	@Override
	public void stop() {
		if (!this.closed) {
			this.closed = true;
			closeNow();
		}
		else if (this.lingerDeadline != 0) {
			finishClose();
		}
	}

	/** As the JDK's channels do: a read into a read-only buffer is refused at once. */
	private static void writable(ByteBuffer dst) {
		if (dst.isReadOnly()) {
			throw new IllegalArgumentException("Read-only buffer");
		}
	}

	private boolean hasCopied() {
		return this.copied != null && this.copied.position() > 0;
	}

	private void onLoop(Runnable task) {
		this.loop.onLoop(task, () -> {
			// the loop is gone: only closing is left to do, here
			this.closed = true;
			closeNow();
		});
	}

	private static long deadline(long timeout, TimeUnit unit) {
		if (timeout <= 0) {
			return 0;
		}
		long deadline = System.nanoTime() + unit.toNanos(timeout);
		return (deadline != 0) ? deadline : 1;
	}

	@Override
	public String toString() {
		return "LoopSocket[" + this.channel + "]";
	}

}

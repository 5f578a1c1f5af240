package io.github.sshtunnel.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ShutdownChannelGroupException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel group with an event loop of the tunnel's own: one thread, one
 * {@link Selector}, and every socket of the group ({@link LoopSocket},
 * {@link LoopServerSocket}) handled on it. Code written against the JDK's asynchronous
 * channels (MINA's {@code Nio2Session}, the tunnel's forwards) runs unchanged; what
 * differs is when the system calls happen:
 * <ul>
 * <li>a socket stays registered for what it waits for, instead of being armed again with
 * {@code epoll_ctl} for every read, as the JDK does;</li>
 * <li>writes are made at the end of a round, after every socket that was ready in it was
 * handled: what several channels sent to the SSH socket in one round goes with one
 * {@code write}, as OpenSSH writes what one {@code poll} round produced. A small write is
 * copied and completes at once; a large one completes when the socket took it.</li>
 * </ul>
 * A round: run the queued tasks (completions, and calls made on other threads), write
 * what the sockets have buffered, and repeat until nothing is left; then wait in
 * {@code select} for the next ready socket or the earliest time-out.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class EventLoop extends AsynchronousChannelGroup implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(EventLoop.class);

	/** Free copy buffers kept for the sockets' small writes. */
	private static final int POOLED_BUFFERS = 16;

	/**
	 * The size of the loop's read buffer: as large as the SSH client's reads, so that a
	 * read into a heap buffer is not cut short.
	 */
	static final int READ_BUFFER_SIZE = 256 * 1024;

	private final Selector selector;

	private final Thread thread;

	private final Queue<Runnable> foreignTasks = new ConcurrentLinkedQueue<>();

	private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

	private final ArrayDeque<LoopSocket> unflushed = new ArrayDeque<>();

	private final List<LoopChannel> timed = new ArrayList<>();

	private final ArrayDeque<ByteBuffer> copyBuffers = new ArrayDeque<>();

	/**
	 * Taken when first needed: only a loop with a socket read into heap memory has one.
	 */
	private ByteBuffer readBuffer;

	private final Set<LoopChannel> channels = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean selecting = new AtomicBoolean();

	private final CountDownLatch terminated = new CountDownLatch(1);

	private volatile boolean shutdown;

	private volatile boolean stopping;

	private EventLoop(ThreadFactory threads) throws IOException {
		super(LoopProvider.INSTANCE);
		this.selector = Selector.open();
		this.thread = threads.newThread(this::run);
	}

	/**
	 * Start an event loop on a thread from the given factory.
	 * @param threads makes the loop's thread
	 * @return the running loop
	 * @throws IOException if no selector can be opened
	 */
	public static EventLoop start(ThreadFactory threads) throws IOException {
		EventLoop loop = new EventLoop(threads);
		loop.thread.start();
		return loop;
	}

	/**
	 * Run a task on the loop's thread: at once-ish (in this round) when called on it,
	 * otherwise in the next round, waking the loop.
	 * @param task the task
	 */
	@Override
	public void execute(Runnable task) {
		if (inLoop()) {
			this.tasks.add(task);
			return;
		}
		if (this.terminated.getCount() == 0) {
			throw new ShutdownChannelGroupException();
		}
		this.foreignTasks.add(task);
		if (this.selecting.get()) {
			this.selector.wakeup();
		}
	}

	/**
	 * Run a socket's work on the loop: now when called on its thread, otherwise in its
	 * next round; when the loop has ended, run {@code ifEnded} here instead.
	 */
	void onLoop(Runnable work, Runnable ifEnded) {
		if (inLoop()) {
			work.run();
			return;
		}
		try {
			execute(work);
		}
		catch (ShutdownChannelGroupException ex) {
			ifEnded.run();
		}
	}

	/**
	 * Run a completion in this round, after the caller returned (here when the loop has
	 * ended).
	 */
	void later(Runnable completion) {
		try {
			execute(completion);
		}
		catch (ShutdownChannelGroupException ex) {
			completion.run();
		}
	}

	boolean isStopping() {
		return this.stopping;
	}

	boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	void added(LoopChannel channel) {
		if (this.shutdown) {
			throw new ShutdownChannelGroupException();
		}
		this.channels.add(channel);
	}

	void removed(LoopChannel channel) {
		this.channels.remove(channel);
		if (this.shutdown && this.channels.isEmpty()) {
			stop();
		}
	}

	/**
	 * Register a channel with the loop's selector; on the loop's thread only.
	 */
	SelectionKey register(java.nio.channels.SelectableChannel channel, LoopChannel attachment) throws IOException {
		return channel.register(this.selector, 0, attachment);
	}

	/** The socket has output to write at the end of this round; on the loop only. */
	void unflushed(LoopSocket socket) {
		this.unflushed.add(socket);
	}

	/** The channel has an operation with a time-out that waits; on the loop only. */
	void timed(LoopChannel channel) {
		if (!this.timed.contains(channel)) {
			this.timed.add(channel);
		}
	}

	ByteBuffer takeCopyBuffer() {
		ByteBuffer buffer = this.copyBuffers.pollFirst();
		return (buffer != null) ? buffer : ByteBuffer.allocateDirect(LoopSocket.COPY_CAPACITY);
	}

	/**
	 * The direct buffer through which a socket of this loop reads into a heap buffer (the
	 * SSH socket's reads: MINA decodes from heap arrays). The JDK would use a temporary
	 * direct buffer of its own, looked up per call in a thread-local cache; the copy into
	 * the heap buffer is the same.
	 * @return the buffer, for use on the loop's thread within one read
	 */
	ByteBuffer readBuffer() {
		if (this.readBuffer == null) {
			this.readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
		}
		return this.readBuffer;
	}

	void giveCopyBuffer(ByteBuffer buffer) {
		if (this.copyBuffers.size() < POOLED_BUFFERS) {
			buffer.clear();
			this.copyBuffers.addFirst(buffer);
		}
	}

	private void run() {
		try {
			while (!this.stopping) {
				runRound();
				select();
			}
		}
		catch (ClosedSelectorException ex) {
			// stopped
		}
		finally {
			closeAll();
			try {
				this.selector.close();
			}
			catch (IOException ex) {
				logger.debug("Could not close the selector", ex);
			}
			this.terminated.countDown();
		}
	}

	/**
	 * Run tasks and write buffered output until neither is left.
	 */
	private void runRound() {
		while (true) {
			Runnable task;
			while ((task = this.tasks.pollFirst()) != null || (task = this.foreignTasks.poll()) != null) {
				runSafely(task);
			}
			LoopSocket socket;
			boolean flushed = false;
			while ((socket = this.unflushed.pollFirst()) != null) {
				socket.flush();
				flushed = true;
			}
			if (!flushed && this.tasks.isEmpty() && this.foreignTasks.isEmpty()) {
				return;
			}
		}
	}

	private void select() {
		long timeout = nextTimeout();
		this.selecting.set(true);
		try {
			if (!this.foreignTasks.isEmpty() || this.stopping) {
				this.selector.selectNow(this::ready);
			}
			else if (timeout > 0) {
				this.selector.select(this::ready, timeout);
			}
			else if (timeout == 0) {
				this.selector.selectNow(this::ready);
			}
			else {
				this.selector.select(this::ready);
			}
		}
		catch (IOException ex) {
			logger.warn("SSH tunnel event loop could not select: {}", ex.toString());
		}
		finally {
			this.selecting.set(false);
		}
		if (!this.timed.isEmpty()) {
			expire(System.nanoTime());
		}
	}

	private void ready(SelectionKey key) {
		try {
			((LoopChannel) key.attachment()).ready(key);
		}
		catch (RuntimeException | Error ex) {
			logger.warn("SSH tunnel I/O task failed", ex);
		}
	}

	/**
	 * @return milliseconds until the earliest time-out, 0 when one is due, -1 when none
	 */
	private long nextTimeout() {
		if (this.timed.isEmpty()) {
			return -1;
		}
		long now = System.nanoTime();
		long earliest = Long.MAX_VALUE;
		for (LoopChannel channel : this.timed) {
			long deadline = channel.deadline();
			if (deadline != 0) {
				earliest = Math.min(earliest, deadline - now);
			}
		}
		if (earliest == Long.MAX_VALUE) {
			return -1;
		}
		return (earliest <= 0) ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(earliest));
	}

	private void expire(long now) {
		for (LoopChannel channel : new ArrayList<>(this.timed)) {
			long deadline = channel.deadline();
			if (deadline == 0) {
				this.timed.remove(channel);
			}
			else if (deadline - now <= 0) {
				runSafely(() -> channel.expire(now));
				if (channel.deadline() == 0) {
					this.timed.remove(channel);
				}
			}
		}
	}

	private void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException | Error ex) {
			// a completion handler failed: the JDK's groups let the thread carry on too
			logger.warn("SSH tunnel I/O task failed", ex);
		}
	}

	private void closeAll() {
		for (LoopChannel channel : this.channels) {
			runSafely(channel::stop);
		}
		// the closes queued their work: finish it here, on the loop's thread
		Runnable task;
		while ((task = this.tasks.pollFirst()) != null || (task = this.foreignTasks.poll()) != null) {
			runSafely(task);
		}
	}

	private void stop() {
		this.stopping = true;
		this.selector.wakeup();
	}

	@Override
	public boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public boolean isTerminated() {
		return this.terminated.getCount() == 0;
	}

	@Override
	public void shutdown() {
		this.shutdown = true;
		if (this.channels.isEmpty()) {
			stop();
		}
	}

	@Override
	public void shutdownNow() throws IOException {
		this.shutdown = true;
		stop();
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		return this.terminated.await(timeout, unit);
	}

}

package io.github.sshtunnel.core.io;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket of an {@link EventLoop}, with the JDK's asynchronous API: an accept
 * waits until the selector finds a connection, and each accepted connection is a
 * {@link LoopSocket} of the same loop.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class LoopServerSocket extends AsynchronousServerSocketChannel implements LoopChannel {

	private static final Logger logger = LoggerFactory.getLogger(LoopServerSocket.class);

	private final EventLoop loop;

	private final ServerSocketChannel channel;

	private final Registration registration;

	private volatile boolean closed;

	private CompletionHandler<AsynchronousSocketChannel, Object> accepting;

	private Object attachment;

	LoopServerSocket(EventLoop loop) throws IOException {
		super(LoopProvider.INSTANCE);
		this.loop = loop;
		this.channel = ServerSocketChannel.open();
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
	public AsynchronousServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
		this.channel.bind(local, backlog);
		return this;
	}

	@Override
	public <T> AsynchronousServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
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
	public boolean isOpen() {
		return !this.closed && this.channel.isOpen();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <A> void accept(A attachment, CompletionHandler<AsynchronousSocketChannel, ? super A> handler) {
		if (handler == null) {
			throw new NullPointerException("handler");
		}
		CompletionHandler<AsynchronousSocketChannel, Object> target = (CompletionHandler<AsynchronousSocketChannel, Object>) handler;
		onLoop(() -> startAccept(attachment, target));
	}

	@Override
	public Future<AsynchronousSocketChannel> accept() {
		LoopFuture<AsynchronousSocketChannel> future = new LoopFuture<>(this);
		accept(null, future);
		return future;
	}

	@Override
	public void close() throws IOException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		onLoop(this::closeNow);
	}

	private void startAccept(Object attachment, CompletionHandler<AsynchronousSocketChannel, Object> handler) {
		if (this.closed) {
			this.loop.later(() -> handler.failed(new AsynchronousCloseException(), attachment));
			return;
		}
		try {
			this.accepting = handler;
			this.attachment = attachment;
			this.registration.add(SelectionKey.OP_ACCEPT);
		}
		catch (IOException | RuntimeException ex) {
			this.accepting = null;
			this.loop.later(() -> handler.failed(ex, attachment));
		}
	}

	@Override
	public void ready(SelectionKey key) {
		if (!key.isValid() || !key.isAcceptable()) {
			return;
		}
		CompletionHandler<AsynchronousSocketChannel, Object> handler = this.accepting;
		Object attachment = this.attachment;
		if (handler == null) {
			this.registration.remove(SelectionKey.OP_ACCEPT);
			return;
		}
		LoopSocket socket;
		try {
			SocketChannel accepted = this.channel.accept();
			if (accepted == null) {
				return;
			}
			socket = new LoopSocket(this.loop, accepted);
		}
		catch (IOException | RuntimeException ex) {
			this.accepting = null;
			this.attachment = null;
			handler.failed(ex, attachment);
			return;
		}
		this.accepting = null;
		this.attachment = null;
		handler.completed(socket, attachment);
	}

	@Override
	public long deadline() {
		return 0;
	}

	@Override
	public void expire(long now) {
	}

	@Override
	public void stop() {
		if (!this.closed) {
			this.closed = true;
			closeNow();
		}
	}

	private void closeNow() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.debug("Could not close {}", this, ex);
		}
		CompletionHandler<AsynchronousSocketChannel, Object> handler = this.accepting;
		Object attachment = this.attachment;
		this.accepting = null;
		this.attachment = null;
		if (handler != null) {
			this.loop.later(() -> handler.failed(new AsynchronousCloseException(), attachment));
		}
		this.loop.removed(this);
	}

	private void onLoop(Runnable task) {
		this.loop.onLoop(task, () -> {
			// the loop is gone: only closing is left to do, here
			this.closed = true;
			closeNow();
		});
	}

	@Override
	public String toString() {
		return "LoopServerSocket[" + this.channel + "]";
	}

}

package io.github.sshtunnel.core.io;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.IllegalChannelGroupException;
import java.nio.channels.spi.AsynchronousChannelProvider;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * Opens the sockets of an {@link EventLoop}: {@code AsynchronousSocketChannel.open(loop)}
 * and {@code AsynchronousServerSocketChannel.open(loop)} come here. Not installed as the
 * JVM's provider: only a tunnel's own group uses it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class LoopProvider extends AsynchronousChannelProvider {

	static final LoopProvider INSTANCE = new LoopProvider();

	private LoopProvider() {
	}

	@Override
	public AsynchronousChannelGroup openAsynchronousChannelGroup(int threads, ThreadFactory factory)
			throws IOException {
		if (threads != 1) {
			throw new IllegalArgumentException("An event loop has exactly one thread");
		}
		return EventLoop.start(factory);
	}

	@Override
	public AsynchronousChannelGroup openAsynchronousChannelGroup(ExecutorService executor, int initialSize) {
		throw new UnsupportedOperationException("An event loop runs on its own thread");
	}

	@Override
	public AsynchronousServerSocketChannel openAsynchronousServerSocketChannel(AsynchronousChannelGroup group)
			throws IOException {
		return new LoopServerSocket(loop(group));
	}

	@Override
	public AsynchronousSocketChannel openAsynchronousSocketChannel(AsynchronousChannelGroup group) throws IOException {
		return new LoopSocket(loop(group), null);
	}

	private static EventLoop loop(AsynchronousChannelGroup group) {
		if (group instanceof EventLoop loop) {
			return loop;
		}
		throw new IllegalChannelGroupException();
	}

}

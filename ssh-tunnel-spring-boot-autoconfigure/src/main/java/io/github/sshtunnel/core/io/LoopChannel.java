package io.github.sshtunnel.core.io;

import java.io.Closeable;
import java.nio.channels.SelectionKey;

/**
 * A socket of an {@link EventLoop}; every method is called on the loop's thread.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
interface LoopChannel extends Closeable {

	/**
	 * The selector found the socket ready for some of what it waits for.
	 * @param key the socket's key
	 */
	void ready(SelectionKey key);

	/**
	 * Return when the earliest of the socket's waiting operations times out.
	 * @return a {@link System#nanoTime()} value, or 0 when nothing waits with a time-out
	 */
	long deadline();

	/**
	 * Fail every waiting operation whose time-out is due.
	 * @param now the current {@link System#nanoTime()}
	 */
	void expire(long now);

	/**
	 * The loop ends: close at once, dropping whatever waits.
	 */
	void stop();

}

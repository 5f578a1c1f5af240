package io.github.sshtunnel.core.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code Future} of an asynchronous socket operation. Cancelling it closes the
 * socket, as {@code cancel(true)} does on the JDK's channels (the operation cannot be
 * taken back half done).
 *
 * @param <V> the operation's result
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class LoopFuture<V> extends CompletableFuture<V> implements CompletionHandler<V, Object> {

	private final Closeable socket;

	LoopFuture(Closeable socket) {
		this.socket = socket;
	}

	@Override
	public void completed(V result, Object attachment) {
		complete(result);
	}

	@Override
	public void failed(Throwable ex, Object attachment) {
		completeExceptionally(ex);
	}

	@Override
	public boolean cancel(boolean mayInterruptIfRunning) {
		boolean cancelled = super.cancel(mayInterruptIfRunning);
		if (cancelled) {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing is all cancelling can do
			}
		}
		return cancelled;
	}

}

package io.github.sshtunnel.core.forward;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The direct buffers that carry the target's data to the application, shared by the
 * connections of one forward. A connection takes chunks while data waits for its local
 * socket and gives them back once the socket took them, so an idle connection holds none
 * and a new one allocates none: allocating direct memory costs far more than a heap
 * array, and a pool opening a connection per statement would pay it every time.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ChunkPool {

	/** Two SSH packets of OpenSSH's default size (32 KiB). */
	static final int CHUNK_SIZE = 64 * 1024;

	private final int retained;

	private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

	/**
	 * Create a pool.
	 * @param retained how many free chunks it keeps at most; more are left to the garbage
	 * collector
	 */
	ChunkPool(int retained) {
		this.retained = retained;
	}

	/**
	 * Take a chunk, ready to be filled.
	 * @return the chunk
	 */
	synchronized ByteBuffer take() {
		ByteBuffer chunk = this.free.pollLast();
		return (chunk != null) ? chunk : ByteBuffer.allocateDirect(CHUNK_SIZE);
	}

	/**
	 * Give a chunk back; nothing may use it afterwards.
	 * @param chunk the chunk
	 */
	synchronized void give(ByteBuffer chunk) {
		if (this.free.size() < this.retained) {
			this.free.addLast(chunk.clear());
		}
	}

}

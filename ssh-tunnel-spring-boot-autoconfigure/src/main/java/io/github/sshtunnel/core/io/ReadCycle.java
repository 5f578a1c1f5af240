package io.github.sshtunnel.core.io;

import java.util.ArrayDeque;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One read of the SSH socket, on the thread that handles it: one read brings up to 256
 * KiB (the SSH client's read buffer), often several SSH packets. Work that can wait until
 * every packet of the read is decoded is {@link #defer deferred} to the end of the read,
 * so that a forwarded connection that got several packets writes them to its local socket
 * with one system call instead of one per packet, as OpenSSH does (docs/performance.md).
 * The deferred work runs before the next read of the SSH socket starts, on the same
 * thread, so it waits for nothing but the decoding.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class ReadCycle {

	private static final Logger logger = LoggerFactory.getLogger(ReadCycle.class);

	private static final ThreadLocal<ReadCycle> current = new ThreadLocal<>();

	private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();

	private int depth;

	private ReadCycle() {
	}

	/**
	 * Run the work at the end of the SSH read this thread is handling, or at once when it
	 * handles none.
	 * @param work the work
	 */
	public static void defer(Runnable work) {
		ReadCycle cycle = current.get();
		if (cycle != null && cycle.depth > 0) {
			cycle.deferred.add(work);
		}
		else {
			work.run();
		}
	}

	/**
	 * A read of the SSH socket starts being handled on this thread (reads can nest: the
	 * next read may complete within the previous one's handler).
	 */
	public static void begin() {
		ReadCycle cycle = current.get();
		if (cycle == null) {
			cycle = new ReadCycle();
			current.set(cycle);
		}
		cycle.depth++;
	}

	/**
	 * Every packet of the read is decoded: run what was deferred, including work that
	 * deferred work defers in turn.
	 */
	public static void flush() {
		ReadCycle cycle = current.get();
		if (cycle == null) {
			return;
		}
		Runnable work;
		while ((work = cycle.deferred.poll()) != null) {
			try {
				work.run();
			}
			catch (RuntimeException ex) {
				// the work handles its own failures; the rest of the read's work must run
				logger.debug("Deferred work failed", ex);
			}
		}
	}

	/**
	 * The read was handled: run what is left, once the outermost read ends.
	 */
	public static void end() {
		ReadCycle cycle = current.get();
		if (cycle == null) {
			return;
		}
		if (cycle.depth == 1) {
			flush();
		}
		cycle.depth--;
	}

}

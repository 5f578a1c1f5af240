package io.github.sshtunnel.core.io;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the JDK to start every asynchronous socket read by waiting for the socket to be
 * readable ({@code sun.nio.ch.disableSynchronousRead=true}), unless the JVM was started
 * with that property set either way.
 * <p>
 * Why: by default the JDK first tries a read at once when it is started on a thread of
 * the socket's channel group, which every read of the tunnel is. A tunnel starts the next
 * read of a socket right after it forwarded what the last one brought, when the peer has
 * usually not answered yet, so most of these tries come back empty and the read is
 * registered with epoll after all: for a small query through the tunnel, 1.2 empty
 * {@code read} system calls per round trip, and the JDK's work around each
 * (docs/performance.md, round 2, step 8). Waiting first costs nothing when the socket has
 * nothing yet and one more epoll round when it has; the tunnel measured less CPU per
 * query and no loss in bulk transfer.
 * <p>
 * The property is read once per JVM, when the first asynchronous socket is opened, and
 * applies to every {@code AsynchronousSocketChannel} of the JVM. Behaviour is the same
 * either way: completion handlers are called with the same results, only later through
 * the channel group's event loop instead of from the call that started the read. To keep
 * the JDK's default, start the JVM with
 * {@code -Dsun.nio.ch.disableSynchronousRead=false}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class PolledReads {

	/**
	 * The JDK's system property (read by
	 * {@code sun.nio.ch.UnixAsynchronousSocketChannelImpl} on Linux and macOS).
	 */
	public static final String PROPERTY = "sun.nio.ch.disableSynchronousRead";

	private static final Logger logger = LoggerFactory.getLogger(PolledReads.class);

	private PolledReads() {
	}

	/**
	 * Set the property to {@code true} unless it is set already. Called before a tunnel
	 * opens its first socket.
	 */
	public static void preferPolledReads() {
		try {
			if (System.getProperty(PROPERTY) == null) {
				System.setProperty(PROPERTY, "true");
				logger.debug("Set {}=true: asynchronous socket reads wait for data before they read", PROPERTY);
			}
		}
		catch (SecurityException ex) {
			// an optimisation only: reads work the same with the JDK's default
			logger.debug("Could not set {}", PROPERTY, ex);
		}
	}

}

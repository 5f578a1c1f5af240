package io.github.sshtunnel.core.forward;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.sshd.client.session.ClientSession;

/**
 * What a forward needs from the tunnel it belongs to, and nothing more: the current
 * session, a timer for bounds, and where to report connections.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public interface ForwardContext {

	/**
	 * Return the authenticated session that carries new connections.
	 * @return the session, or {@code null} while it is down
	 */
	ClientSession currentSession();

	/**
	 * Return the timer that bounds channel opens.
	 * @return the timer
	 */
	ScheduledExecutorService timer();

	/**
	 * Return how long the SSH server may take to open a channel.
	 * @return the bound
	 */
	Duration openTimeout();

	/**
	 * A connection was opened through the forward.
	 * @param forward the forward's name
	 */
	void connectionOpened(String forward);

	/**
	 * A connection could not be carried (the session was down, or the server or target
	 * refused).
	 * @param forward the forward's name
	 * @param cause why
	 */
	void connectionFailed(String forward, Exception cause);

}

package io.github.sshtunnel.core.channel;

import java.time.Duration;

import org.apache.sshd.client.session.ClientSession;

/**
 * What in-process channel connections need from the tunnel they belong to: the current
 * session, the bound on a channel open, and where to report connections.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public interface ChannelContext {

	/**
	 * Return the authenticated session that carries new connections.
	 * @return the session, or {@code null} while it is down
	 */
	ClientSession currentSession();

	/**
	 * Return how long the SSH server may take to open a channel.
	 * @return the bound
	 */
	Duration openTimeout();

	/**
	 * Return how the SSH server is shown in messages.
	 * @return the server, such as {@code user@host:22}
	 */
	String serverDisplayName();

	/**
	 * A connection was opened through a route.
	 * @param route the route's name
	 */
	void connectionOpened(String route);

	/**
	 * A connection could not be opened (the session was down, or the server or target
	 * refused).
	 * @param route the route's name
	 * @param cause why
	 */
	void connectionFailed(String route, Exception cause);

}

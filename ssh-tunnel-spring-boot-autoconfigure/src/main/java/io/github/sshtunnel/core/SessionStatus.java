package io.github.sshtunnel.core;

/**
 * The state of the tunnel's SSH session.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public enum SessionStatus {

	/**
	 * Not opened yet.
	 */
	NEW,

	/**
	 * Connecting, exchanging keys or authenticating.
	 */
	CONNECTING,

	/**
	 * Open and authenticated; forwards carry connections.
	 */
	CONNECTED,

	/**
	 * Lost or never established; a reconnect may be pending.
	 */
	DISCONNECTED,

	/**
	 * Closed for good.
	 */
	CLOSED

}

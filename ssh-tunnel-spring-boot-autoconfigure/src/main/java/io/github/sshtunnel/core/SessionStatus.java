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
	 * Open and authenticated, but the server has not answered keepalive requests for
	 * longer than {@code keepalive.interval}: forwards may not carry data. Back to
	 * {@link #CONNECTED} when it answers; declared lost after {@code keepalive.count-max}
	 * unanswered requests.
	 */
	UNRESPONSIVE,

	/**
	 * Lost or never established; a reconnect may be pending.
	 */
	DISCONNECTED,

	/**
	 * Closed for good.
	 */
	CLOSED

}

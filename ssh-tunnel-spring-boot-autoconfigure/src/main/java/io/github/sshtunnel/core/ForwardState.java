package io.github.sshtunnel.core;

/**
 * A snapshot of one forward.
 *
 * @param name the name of the forward
 * @param localHost the local address the forward is bound to, or {@code null} for an
 * in-process route (socket mode), which has no local end
 * @param localPort the local port really bound ({@code 0} if not bound)
 * @param remoteHost the target host as seen from the SSH server
 * @param remotePort the target port
 * @param activeConnections connections currently carried
 * @param openedConnections connections opened through the SSH server so far
 * @param failedConnections connections that the SSH server or the target refused, or that
 * arrived while the session was down
 * @param bytesOutbound bytes carried from the application to the target
 * @param bytesInbound bytes carried from the target to the application
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public record ForwardState(String name, String localHost, int localPort, String remoteHost, int remotePort,
		int activeConnections, long openedConnections, long failedConnections, long bytesOutbound, long bytesInbound) {

	/**
	 * Whether the local end is bound and accepting connections.
	 * @return whether the forward is bound
	 */
	public boolean isBound() {
		return this.localPort > 0;
	}

	/**
	 * Whether this is an in-process route ({@code socket} mode: connections are
	 * {@code direct-tcpip} channels opened inside the application, no local port).
	 * @return whether the route has no local end
	 */
	public boolean isInProcess() {
		return this.localHost == null;
	}

}

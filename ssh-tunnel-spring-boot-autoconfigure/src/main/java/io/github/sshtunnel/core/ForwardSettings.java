package io.github.sshtunnel.core;

/**
 * One local port forward: connections accepted on {@code localHost:localPort} are carried
 * through the SSH session to {@code remoteHost:remotePort} as seen from the SSH server.
 *
 * @param name the name of the forward (the key under {@code ssh.tunnel.forwards})
 * @param localHost the local address to bind, loopback by default
 * @param localPort the local port, {@code 0} to pick a free one
 * @param remoteHost the target host as seen from the SSH server
 * @param remotePort the target port
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public record ForwardSettings(String name, String localHost, int localPort, String remoteHost, int remotePort) {

	/**
	 * Default local bind address.
	 */
	public static final String DEFAULT_LOCAL_HOST = "127.0.0.1";

	/**
	 * Default target host.
	 */
	public static final String DEFAULT_REMOTE_HOST = "localhost";

	/**
	 * Create a forward from a free loopback port to {@code localhost:remotePort} on the
	 * SSH server.
	 * @param name the name of the forward
	 * @param remotePort the target port
	 * @return the forward
	 */
	public static ForwardSettings of(String name, int remotePort) {
		return new ForwardSettings(name, DEFAULT_LOCAL_HOST, 0, DEFAULT_REMOTE_HOST, remotePort);
	}

	@Override
	public String toString() {
		return this.name + " " + this.localHost + ":" + this.localPort + " -> " + this.remoteHost + ":"
				+ this.remotePort;
	}

}

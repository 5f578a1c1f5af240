package io.github.sshtunnel.jdbc;

import java.net.SocketException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.sshtunnel.core.SshTunnel;

/**
 * The open tunnels by name, where the JDBC socket factories of this package find them.
 * The starter registers every {@link SshTunnel} bean under its bean name when it opens it
 * and removes it when it closes it; an application without Spring registers its tunnels
 * itself.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshTunnelRegistry {

	private static final Map<String, SshTunnel> tunnels = new ConcurrentHashMap<>();

	private SshTunnelRegistry() {
	}

	/**
	 * Register a tunnel under a name, replacing any tunnel of that name.
	 * @param name the name, for the starter the tunnel's bean name
	 * @param tunnel the tunnel
	 */
	public static void register(String name, SshTunnel tunnel) {
		if (name == null || name.isEmpty() || tunnel == null) {
			throw new IllegalArgumentException("Name and tunnel must not be null or empty");
		}
		tunnels.put(name, tunnel);
	}

	/**
	 * Remove a tunnel, if it is still the one registered under the name.
	 * @param name the name
	 * @param tunnel the tunnel
	 */
	public static void unregister(String name, SshTunnel tunnel) {
		tunnels.remove(name, tunnel);
	}

	/**
	 * Return the tunnel registered under a name.
	 * @param name the name
	 * @return the tunnel
	 * @throws SocketException if no tunnel of that name is registered (a JDBC driver
	 * reports it as a connection failure)
	 */
	public static SshTunnel get(String name) throws SocketException {
		SshTunnel tunnel = (name != null) ? tunnels.get(name) : null;
		if (tunnel == null) {
			throw new SocketException("No SSH tunnel named '" + name + "' is open (registered: " + tunnels.keySet()
					+ "); the name is the tunnel's bean name, 'sshTunnel' for the one of ssh.tunnel.*");
		}
		return tunnel;
	}

}

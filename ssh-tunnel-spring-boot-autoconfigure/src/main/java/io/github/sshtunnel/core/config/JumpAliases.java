package io.github.sshtunnel.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Looks each hop of a {@code ProxyJump} list up as a {@code Host} alias of the same file,
 * as {@code ssh -J} does for the {@code ssh} it runs per hop: the hop's {@code HostName},
 * {@code Port} and {@code User} replace the alias; a user or port written in the hop wins
 * over the file's. Other keywords of a hop's block (its {@code IdentityFile}, its own
 * {@code ProxyJump}) are not read: a hop authenticates with the tunnel's credentials. A
 * hop written in brackets (an IPv6 address) is kept as written.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class JumpAliases {

	private final SshConfig config;

	JumpAliases(SshConfig config) {
		this.config = config;
	}

	String resolve(String proxyJump) {
		List<String> hops = new ArrayList<>();
		for (String hop : proxyJump.split(",")) {
			hops.add(resolveHop(hop.trim()));
		}
		return String.join(",", hops);
	}

	private String resolveHop(String hop) {
		if (hop.isEmpty() || hop.contains("[") || hop.contains("://")) {
			return hop;
		}
		int at = hop.lastIndexOf('@');
		String user = (at >= 0) ? hop.substring(0, at) : null;
		String hostAndPort = hop.substring(at + 1);
		int colon = hostAndPort.indexOf(':');
		if (colon != hostAndPort.lastIndexOf(':')) {
			return hop;
		}
		String host = (colon >= 0) ? hostAndPort.substring(0, colon) : hostAndPort;
		Integer port = null;
		if (colon >= 0) {
			try {
				port = Integer.valueOf(hostAndPort.substring(colon + 1));
			}
			catch (NumberFormatException ex) {
				// left as written: the proxy-jump property reports it
				return hop;
			}
		}
		SshConfigEntry entry = this.config.resolve(host, user, port);
		StringBuilder resolved = new StringBuilder();
		if (entry.user() != null) {
			resolved.append(entry.user()).append('@');
		}
		resolved.append(entry.hostName());
		if (entry.port() != null) {
			resolved.append(':').append(entry.port());
		}
		return resolved.toString();
	}

}

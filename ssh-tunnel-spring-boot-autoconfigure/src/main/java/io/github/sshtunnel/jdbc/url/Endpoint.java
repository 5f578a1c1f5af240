package io.github.sshtunnel.jdbc.url;

import java.util.Objects;

/**
 * One host and port that a database URL names.
 *
 * @param host the host as written in the URL; an IPv6 literal without brackets
 * @param port the port, the dialect's default if the URL names none
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public record Endpoint(String host, int port) {

	/**
	 * Create an endpoint, dropping brackets around an IPv6 literal.
	 * @param host the host
	 * @param port the port, from 1 to 65535
	 */
	public Endpoint {
		Objects.requireNonNull(host, "host must not be null");
		if (host.length() > 1 && host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		if (host.isEmpty()) {
			throw new IllegalArgumentException("host must not be empty");
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
		}
	}

	/**
	 * Return whether the host is an IPv6 literal.
	 * @return whether the host is an IPv6 literal
	 */
	public boolean ipv6() {
		return this.host.indexOf(':') >= 0;
	}

	/**
	 * Return the host as a URL writes it: IPv6 literals in brackets.
	 * @return the host for a URL authority
	 */
	public String uriHost() {
		return ipv6() ? "[" + this.host + "]" : this.host;
	}

	@Override
	public String toString() {
		return uriHost() + ":" + this.port;
	}

}

package io.github.sshtunnel.jdbc.url;

/**
 * A database URL that cannot be routed through the SSH tunnel: an unknown or local-only
 * scheme, a form that needs a lookup the tunnel cannot carry, or a malformed host list.
 * The message names the URL's scheme and what to do instead; it never holds the URL
 * itself, so never a password written in it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class UnsupportedJdbcUrlException extends IllegalArgumentException {

	private final String scheme;

	/**
	 * Create a new exception.
	 * @param scheme the URL's scheme, such as {@code jdbc:sqlite}
	 * @param problem what is wrong with the URL, without secrets
	 */
	public UnsupportedJdbcUrlException(String scheme, String problem) {
		super("Cannot route the " + scheme + " URL through the SSH tunnel: " + problem
				+ ". Use port forwards (ssh.tunnel.forwards) instead and point the URL at the forward's local port");
		this.scheme = scheme;
	}

	/**
	 * Return the scheme of the URL, such as {@code jdbc:sqlite}.
	 * @return the scheme
	 */
	public String getScheme() {
		return this.scheme;
	}

}

package io.github.sshtunnel.jdbc.url;

import java.util.List;

/**
 * A parsed database URL, JDBC or R2DBC: its dialect, every host and port it names, and
 * the same URL pointed at other hosts and ports.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 * @see JdbcUrl
 * @see R2dbcUrl
 */
public interface DatabaseUrl {

	/**
	 * Return the database the URL is for.
	 * @return the dialect
	 */
	JdbcDialect dialect();

	/**
	 * Return every host and port the URL names, in the order written, default ports
	 * filled in; a failover or load-balancing list gives several.
	 * @return the endpoints, never empty
	 */
	List<Endpoint> endpoints();

	/**
	 * Return the URL with each endpoint replaced by the one at the same position, every
	 * other character as written. A replaced endpoint is always written with its port.
	 * @param replacements one endpoint for each of {@link #endpoints()}, in the same
	 * order
	 * @return the rewritten URL
	 * @throws IllegalArgumentException if the list's size differs from the endpoints'
	 */
	String rewrite(List<Endpoint> replacements);

	/**
	 * Parse a JDBC ({@code jdbc:}) or R2DBC ({@code r2dbc:}, {@code r2dbcs:}) URL.
	 * @param url the URL
	 * @return the parsed URL
	 * @throws UnsupportedJdbcUrlException if the URL cannot be routed through the tunnel
	 */
	static DatabaseUrl parse(String url) {
		if (url != null
				&& (url.regionMatches(true, 0, "r2dbc:", 0, 6) || url.regionMatches(true, 0, "r2dbcs:", 0, 7))) {
			return R2dbcUrl.parse(url);
		}
		return JdbcUrl.parse(url);
	}

}

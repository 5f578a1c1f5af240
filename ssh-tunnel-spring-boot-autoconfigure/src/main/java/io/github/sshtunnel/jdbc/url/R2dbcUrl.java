package io.github.sshtunnel.jdbc.url;

import java.util.List;
import java.util.Locale;

/**
 * An R2DBC URL,
 * {@code r2dbc:[pool:]driver[:protocol]://[user[:password]@]host[:port][,host[:port]...][/database][?options]}
 * (also {@code r2dbcs:}), for the PostgreSQL, MariaDB and MySQL drivers. Their socket
 * hooks are not JDBC socket factories, so R2DBC URLs are routed in {@code port} mode.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class R2dbcUrl implements DatabaseUrl {

	private final UrlTemplate template;

	private R2dbcUrl(UrlTemplate template) {
		this.template = template;
	}

	/**
	 * Parse an R2DBC URL.
	 * @param url the URL, such as {@code r2dbc:pool:postgresql://db:5432/app}
	 * @return the parsed URL
	 * @throws UnsupportedJdbcUrlException if the URL is of an unknown driver or malformed
	 */
	public static R2dbcUrl parse(String url) {
		if (url == null || url.isBlank()) {
			throw new IllegalArgumentException("url must not be empty");
		}
		int slashes = url.indexOf("://");
		String scheme = (slashes > 0) ? url.substring(0, slashes) : JdbcUrl.scheme(url, 0);
		String[] words = scheme.toLowerCase(Locale.ROOT).split(":");
		if (slashes < 0 || !(words[0].equals("r2dbc") || words[0].equals("r2dbcs")) || words.length < 2) {
			throw new UnsupportedJdbcUrlException(scheme, "expected r2dbc:driver://host:port/database");
		}
		String driver = words[1].equals("pool") && words.length > 2 ? words[2] : words[1];
		JdbcDialect dialect = switch (driver) {
			case "postgresql", "postgres" -> JdbcDialect.POSTGRESQL;
			case "mariadb" -> JdbcDialect.MARIADB;
			case "mysql" -> JdbcDialect.MYSQL;
			default -> throw new UnsupportedJdbcUrlException(scheme,
					"no parser knows the R2DBC driver [" + driver + "] (supported: postgresql, mariadb, mysql)");
		};
		UrlTemplate template = new UrlTemplate(url, scheme, dialect);
		int start = slashes + 3;
		int end = HostList.indexOfAny(url, start, "/?");
		int at = url.lastIndexOf('@', end - 1);
		HostList.parse(template, (at >= start) ? at + 1 : start, end);
		return new R2dbcUrl(template);
	}

	@Override
	public JdbcDialect dialect() {
		return this.template.dialect();
	}

	@Override
	public List<Endpoint> endpoints() {
		return this.template.endpoints();
	}

	@Override
	public String rewrite(List<Endpoint> replacements) {
		return this.template.rewrite(replacements);
	}

	/**
	 * Return the scheme and endpoints, never the URL (it may hold a password).
	 */
	@Override
	public String toString() {
		return this.template.scheme() + " URL for " + this.template.endpoints();
	}

}

package io.github.sshtunnel.jdbc.url;

import java.util.List;

/**
 * A JDBC URL read as its driver reads it. Supported: PostgreSQL and openGauss, MySQL and
 * MariaDB, SQL Server, Oracle thin, Db2 and H2 in server mode; see
 * {@code docs/datasource.md} for the syntaxes. The parsers are this project's own rather
 * than the drivers': the drivers' parsers return hosts and ports but not where the URL
 * spells them, and a rewrite must keep every other character as written.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class JdbcUrl implements DatabaseUrl {

	private final UrlTemplate template;

	private JdbcUrl(UrlTemplate template) {
		this.template = template;
	}

	/**
	 * Parse a JDBC URL.
	 * @param url the URL, such as {@code jdbc:postgresql://db1:5432,db2:5432/app}
	 * @return the parsed URL
	 * @throws UnsupportedJdbcUrlException if the URL is of an unknown scheme, names no
	 * network address, needs a lookup the tunnel cannot carry, or is malformed
	 */
	public static JdbcUrl parse(String url) {
		if (url == null || url.isBlank()) {
			throw new IllegalArgumentException("url must not be empty");
		}
		if (!url.regionMatches(true, 0, "jdbc:", 0, 5)) {
			throw new UnsupportedJdbcUrlException(scheme(url, 0), "it is not a JDBC URL (jdbc:...)");
		}
		return new JdbcUrl(template(url));
	}

	private static UrlTemplate template(String url) {
		if (starts(url, "jdbc:postgresql:")) {
			return HostListUrlParser.postgres(url, JdbcDialect.POSTGRESQL, 16);
		}
		if (starts(url, "jdbc:opengauss:")) {
			return HostListUrlParser.postgres(url, JdbcDialect.OPENGAUSS, 15);
		}
		if (starts(url, "jdbc:mysql:")) {
			return MysqlUrlParser.parse(url, JdbcDialect.MYSQL, 11);
		}
		if (starts(url, "jdbc:mariadb:")) {
			return MysqlUrlParser.parse(url, JdbcDialect.MARIADB, 13);
		}
		if (starts(url, "jdbc:sqlserver:")) {
			return SqlServerUrlParser.parse(url, 15);
		}
		if (starts(url, "jdbc:oracle:")) {
			return OracleUrlParser.parse(url, 12);
		}
		if (starts(url, "jdbc:db2:")) {
			return HostListUrlParser.db2(url, 9);
		}
		if (starts(url, "jdbc:h2:")) {
			return HostListUrlParser.h2(url, 8);
		}
		String scheme = scheme(url, 5);
		if (scheme.toLowerCase(java.util.Locale.ROOT).endsWith("+srv")) {
			throw new UnsupportedJdbcUrlException(scheme, "its hosts come from a DNS SRV lookup made by the driver, "
					+ "which the tunnel cannot see; list the hosts in the URL instead");
		}
		throw new UnsupportedJdbcUrlException(scheme,
				"no parser knows its host syntax, so it cannot be "
						+ "routed automatically (supported: PostgreSQL, openGauss, MySQL, MariaDB, SQL Server, "
						+ "Oracle thin, Db2, H2 TCP)");
	}

	private static boolean starts(String url, String prefix) {
		return url.regionMatches(true, 0, prefix, 0, prefix.length());
	}

	/**
	 * The URL up to the colon after its first word from {@code from}:
	 * {@code jdbc:sqlite}.
	 */
	static String scheme(String url, int from) {
		int colon = url.indexOf(':', from);
		String scheme = (colon >= 0) ? url.substring(0, colon) : url.substring(0, from);
		if (scheme.isEmpty() || scheme.length() > 40 || !scheme.matches("[A-Za-z0-9:+._-]+")) {
			return "(unknown scheme)";
		}
		return scheme;
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
	 * Return the dialect and endpoints, never the URL (it may hold a password).
	 */
	@Override
	public String toString() {
		return this.template.scheme() + " URL for " + this.template.endpoints();
	}

}

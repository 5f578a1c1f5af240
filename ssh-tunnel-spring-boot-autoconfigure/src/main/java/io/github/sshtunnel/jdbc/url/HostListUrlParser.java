package io.github.sshtunnel.jdbc.url;

/**
 * URLs whose hosts are one {@code //host[:port][,host[:port]...]} list: PostgreSQL and
 * openGauss, Db2 and H2 in server mode.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class HostListUrlParser {

	private HostListUrlParser() {
	}

	/**
	 * pgjdbc's rules: hosts up to the first {@code /}; no {@code //} at all (as in
	 * {@code jdbc:postgresql:db}) means {@code localhost} and the default port.
	 */
	static UrlTemplate postgres(String url, JdbcDialect dialect, int after) {
		UrlTemplate template = new UrlTemplate(url, url.substring(0, after - 1), dialect);
		if (url.startsWith("//", after)) {
			int start = after + 2;
			HostList.parse(template, start, HostList.indexOfAny(url, start, "/?"));
		}
		else {
			int index = template.add(new Endpoint(HostList.LOCALHOST, dialect.defaultPort()));
			template.edit(after, after, index, (endpoint) -> "//" + UrlTemplate.authority(endpoint) + "/");
		}
		return template;
	}

	static UrlTemplate db2(String url, int after) {
		UrlTemplate template = new UrlTemplate(url, url.substring(0, after - 1), JdbcDialect.DB2);
		if (!url.startsWith("//", after)) {
			throw template.unsupported("a Db2 URL without //host:port names a locally catalogued database, "
					+ "not a network address, so there is nothing to tunnel");
		}
		int start = after + 2;
		HostList.parse(template, start, HostList.indexOfAny(url, start, "/?"));
		return template;
	}

	static UrlTemplate h2(String url, int after) {
		int colon = url.indexOf(':', after);
		String kind = (colon >= 0) ? url.substring(after, colon).toLowerCase(java.util.Locale.ROOT) : "";
		String scheme = (colon >= 0) ? url.substring(0, colon) : url.substring(0, after - 1);
		UrlTemplate template = new UrlTemplate(url, scheme, JdbcDialect.H2);
		if (!(kind.equals("tcp") || kind.equals("ssl")) || !url.startsWith("//", colon + 1)) {
			throw template
				.unsupported("not a network URL (only jdbc:h2:tcp:// and jdbc:h2:ssl:// are), " + "nothing to tunnel");
		}
		int start = colon + 3;
		HostList.parse(template, start, HostList.indexOfAny(url, start, "/?;"));
		return template;
	}

}

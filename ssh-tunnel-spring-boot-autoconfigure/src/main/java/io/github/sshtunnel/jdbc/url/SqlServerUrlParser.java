package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * mssql-jdbc URLs: {@code jdbc:sqlserver://[host[\instance][:port]][;key=value...]} with
 * {@code serverName} (or {@code server}), {@code portNumber} (or {@code port}) and
 * {@code instanceName} among the properties, keys in any case, values optionally in
 * braces. The last value of a key wins, as in the driver; a rewrite replaces every
 * occurrence so that the driver's choice does not matter.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SqlServerUrlParser {

	private SqlServerUrlParser() {
	}

	static UrlTemplate parse(String url, int after) {
		UrlTemplate template = new UrlTemplate(url, url.substring(0, after - 1), JdbcDialect.SQLSERVER);
		if (!url.startsWith("//", after)) {
			throw template.unsupported("expected jdbc:sqlserver://[host[:port]][;property=value...]");
		}
		int start = after + 2;
		int end = url.indexOf(';', start);
		end = (end < 0) ? url.length() : end;
		List<int[]> hosts = new ArrayList<>();
		List<int[]> ports = new ArrayList<>();
		String instance = null;
		int hostEnd = firstOf(url, start, end, "\\:");
		if (hostEnd > start) {
			hosts.add(new int[] { start, hostEnd });
		}
		int colon = url.indexOf(':', start);
		if (hostEnd < end && url.charAt(hostEnd) == '\\') {
			int instanceEnd = (colon >= 0 && colon < end) ? colon : end;
			instance = url.substring(hostEnd + 1, instanceEnd);
		}
		if (colon >= 0 && colon < end) {
			ports.add(new int[] { colon + 1, end });
		}
		int lastServerNameEnd = -1;
		for (int[] pair : properties(url, end)) {
			int equals = url.indexOf('=', pair[0]);
			if (equals < 0 || equals >= pair[1]) {
				continue;
			}
			String key = url.substring(pair[0], equals).strip().toLowerCase(Locale.ROOT);
			int[] value = value(url, equals + 1, pair[1]);
			switch (key) {
				case "servername", "server" -> {
					int backslash = url.indexOf('\\', value[0]);
					if (backslash >= 0 && backslash < value[1]) {
						instance = url.substring(backslash + 1, value[1]);
						value = new int[] { value[0], backslash };
					}
					hosts.add(value);
					lastServerNameEnd = pair[1];
				}
				case "portnumber", "port" -> ports.add(value);
				case "instancename" -> instance = url.substring(value[0], value[1]);
				case "failoverpartner" -> {
					if (value[1] > value[0]) {
						throw template.unsupported("the database mirroring partner (failoverPartner) is found "
								+ "through the SQL Server Browser over UDP, which SSH cannot carry");
					}
				}
				default -> {
				}
			}
		}
		if (ports.isEmpty() && instance != null && !instance.isBlank()) {
			throw template.unsupported("the instance name [" + instance + "] without a port is resolved "
					+ "through the SQL Server Browser over UDP 1434, which SSH cannot carry; give the "
					+ "instance's TCP port (host\\instance:port or ;portNumber=...)");
		}
		String host = hosts.isEmpty() ? HostList.LOCALHOST : text(url, hosts.get(hosts.size() - 1));
		int port = ports.isEmpty() ? template.dialect().defaultPort()
				: template.port(ports.get(ports.size() - 1)[0], ports.get(ports.size() - 1)[1]);
		int index = template.add(new Endpoint(host.isBlank() ? HostList.LOCALHOST : host, port));
		for (int[] span : hosts) {
			template.edit(span[0], span[1], index,
					(span[0] == start) ? SqlServerUrlParser::serverPart : UrlTemplate::host);
		}
		ports.forEach((span) -> template.edit(span[0], span[1], index, UrlTemplate::port));
		if (hosts.isEmpty()) {
			template.edit(start, start, index, ports.isEmpty()
					? (endpoint) -> serverPart(endpoint) + ":" + endpoint.port() : SqlServerUrlParser::serverPart);
		}
		else if (ports.isEmpty()) {
			if (hostEnd > start) {
				template.edit(end, end, index, (endpoint) -> ":" + endpoint.port());
			}
			else {
				template.edit(lastServerNameEnd, lastServerNameEnd, index,
						(endpoint) -> ";portNumber=" + endpoint.port());
			}
		}
		return template;
	}

	/**
	 * The host in {@code //host:port}, where mssql-jdbc takes no IPv6 literal.
	 */
	private static String serverPart(Endpoint endpoint) {
		if (endpoint.ipv6()) {
			throw new IllegalArgumentException("SQL Server URLs take an IPv6 address only in ;serverName=, not in "
					+ "//host:port; cannot write " + endpoint);
		}
		return endpoint.host();
	}

	private static List<int[]> properties(String url, int from) {
		List<int[]> pairs = new ArrayList<>();
		int position = from;
		while (position < url.length()) {
			int start = position + 1;
			int end = start;
			boolean braces = false;
			while (end < url.length() && (braces || url.charAt(end) != ';')) {
				char c = url.charAt(end);
				if (c == '{') {
					braces = true;
				}
				else if (c == '}') {
					braces = false;
				}
				end++;
			}
			pairs.add(new int[] { start, end });
			position = end;
		}
		return pairs;
	}

	private static int[] value(String url, int start, int end) {
		while (start < end && Character.isWhitespace(url.charAt(start))) {
			start++;
		}
		while (end > start && Character.isWhitespace(url.charAt(end - 1))) {
			end--;
		}
		if (end - start >= 2 && url.charAt(start) == '{' && url.charAt(end - 1) == '}') {
			return new int[] { start + 1, end - 1 };
		}
		return new int[] { start, end };
	}

	private static int firstOf(String url, int start, int end, String stops) {
		for (int i = start; i < end; i++) {
			if (stops.indexOf(url.charAt(i)) >= 0) {
				return i;
			}
		}
		return end;
	}

	private static String text(String url, int[] span) {
		return url.substring(span[0], span[1]);
	}

}

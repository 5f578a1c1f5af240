package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Oracle thin driver URLs: {@code jdbc:oracle:thin:[user/password]@} followed by
 * EZConnect ({@code //host[:port]/service}, {@code host[:port]/service}, {@code tcp://}
 * or {@code tcps://} prefixed, host lists separated by commas), the older
 * {@code host:port:SID}, or a TNS descriptor {@code (DESCRIPTION=...)} read by
 * {@link OracleDescriptorParser}. TNS aliases and LDAP names need a lookup the tunnel
 * cannot see and are rejected.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class OracleUrlParser {

	private OracleUrlParser() {
	}

	static UrlTemplate parse(String url, int after) {
		int colon = url.indexOf(':', after);
		String scheme = (colon > after) ? url.substring(0, colon) : url.substring(0, after - 1);
		UrlTemplate template = new UrlTemplate(url, scheme, JdbcDialect.ORACLE);
		if (colon < 0 || !url.substring(after, colon).equalsIgnoreCase("thin")) {
			throw template.unsupported("only the thin driver (jdbc:oracle:thin:) connects over the network by "
					+ "itself; the OCI driver goes through the native client");
		}
		int at = url.indexOf('@', colon);
		if (at < 0) {
			throw template.unsupported("expected jdbc:oracle:thin:@//host:port/service");
		}
		int start = at + 1;
		while (start < url.length() && Character.isWhitespace(url.charAt(start))) {
			start++;
		}
		String rest = url.substring(start).toLowerCase(Locale.ROOT);
		if (rest.startsWith("(")) {
			OracleDescriptorParser.parse(template, start);
		}
		else if (rest.startsWith("ldap://") || rest.startsWith("ldaps://")) {
			throw template.unsupported("a directory (LDAP) name is resolved by the driver before it connects; "
					+ "write the descriptor or //host:port/service");
		}
		else if (rest.startsWith("//") || rest.startsWith("tcp://") || rest.startsWith("tcps://")) {
			int hosts = url.indexOf("//", start) + 2;
			hostLists(template, hosts, HostList.indexOfAny(url, hosts, "/?"));
		}
		else {
			easyConnect(template, start);
		}
		return template;
	}

	/**
	 * Easy Connect Plus address lists, separated by {@code ;}, of hosts separated by
	 * {@code ,}: a host without a port takes the next port written in its list, as in
	 * {@code h1,h2:1522} (both on 1522), else 1521.
	 */
	private static void hostLists(UrlTemplate template, int start, int end) {
		for (int[] list : HostList.split(template.url(), start, end, ';')) {
			List<HostList.Entry> waiting = new ArrayList<>();
			for (int[] part : HostList.split(template.url(), list[0], list[1], ',')) {
				HostList.Entry entry = HostList.read(template, part[0], part[1]);
				waiting.add(entry);
				if (entry.port() > 0) {
					waiting.forEach((host) -> HostList.add(template, host, entry.port()));
					waiting.clear();
				}
			}
			waiting.forEach((host) -> HostList.add(template, host, template.dialect().defaultPort()));
		}
	}

	/**
	 * {@code host:port:SID}, {@code host[:port]/service} or a host list without
	 * {@code //}; anything else is a TNS alias.
	 */
	private static void easyConnect(UrlTemplate template, int start) {
		String url = template.url();
		int end = HostList.indexOfAny(url, start, "/?");
		int firstColon = HostList.indexOfAny(url, start, ":");
		boolean service = end < url.length() && url.charAt(end) == '/';
		if (firstColon >= end && !service) {
			throw template.unsupported("the TNS alias [" + url.substring(start, end) + "] is resolved from "
					+ "tnsnames.ora by the driver; write its (DESCRIPTION=...) or //host:port/service in the URL");
		}
		if (url.substring(start, end).contains(",") || url.substring(start, end).contains(";")) {
			hostLists(template, start, end);
			return;
		}
		int sid = (firstColon < end) ? HostList.indexOfAny(url, firstColon + 1, ":") : end;
		HostList.entry(template, start, Math.min(sid, end));
	}

}

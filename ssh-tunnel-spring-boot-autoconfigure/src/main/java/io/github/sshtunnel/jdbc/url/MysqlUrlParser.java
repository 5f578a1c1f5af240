package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * MySQL Connector/J and MariaDB Connector/J URLs:
 * {@code jdbc:mysql:[loadbalance:|replication:]//} and
 * {@code jdbc:mariadb:[sequential:|loadbalance:|replication:|...]//}, then a host list
 * whose entries are {@code host[:port]}, {@code [ipv6][:port]},
 * {@code address=(host=..)(port=..)(..)} or {@code (host=..,port=..,..)}, optionally with
 * {@code user[:password]@} and, for Connector/J, the list in brackets.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class MysqlUrlParser {

	private MysqlUrlParser() {
	}

	static UrlTemplate parse(String url, JdbcDialect dialect, int after) {
		int slashes = url.indexOf("//", after);
		String scheme = url.substring(0, (slashes > after) ? slashes - 1 : after - 1);
		UrlTemplate template = new UrlTemplate(url, scheme, dialect);
		if (slashes < 0 || !url.substring(after, slashes).matches("([A-Za-z-]+:)?")) {
			throw template.unsupported("expected " + url.substring(0, after) + "[protocol:]//host[:port]/database");
		}
		int start = slashes + 2;
		int end = HostList.indexOfAny(url, start, "/?");
		if (start == end) {
			int index = template.add(new Endpoint(HostList.LOCALHOST, dialect.defaultPort()));
			template.edit(start, start, index, UrlTemplate::authority);
			return template;
		}
		int listStart = start;
		if (isSublist(url, listStart, end)) {
			listStart++;
			end--;
		}
		for (int[] entry : HostList.split(url, listStart, end, ',')) {
			entry(template, entry[0], entry[1]);
		}
		return template;
	}

	private static void entry(UrlTemplate template, int start, int end) {
		String url = template.url();
		int at = lastAt(url, start, end);
		int from = (at >= 0) ? at + 1 : start;
		if (url.regionMatches(true, from, "address=", 0, 8)) {
			addressForm(template, from + 8, end);
		}
		else if (from < end && url.charAt(from) == '(') {
			if (url.charAt(end - 1) != ')') {
				throw template.unsupported("a (host=..,port=..) entry must end with )");
			}
			List<int[]> pairs = HostList.split(url, from + 1, end - 1, ',');
			keyValues(template, pairs, from + 1, end - 1, "host=%s,", ",port=%s");
		}
		else {
			HostList.entry(template, from, end);
		}
	}

	private static void addressForm(UrlTemplate template, int start, int end) {
		String url = template.url();
		List<int[]> pairs = new ArrayList<>();
		int position = start;
		while (position < end) {
			int close = url.indexOf(')', position);
			if (url.charAt(position) != '(' || close < 0 || close >= end) {
				throw template.unsupported("an address=(key=value)... entry must be a list of (key=value)");
			}
			pairs.add(new int[] { position + 1, close });
			position = close + 1;
		}
		keyValues(template, pairs, start, end, "(host=%s)", "(port=%s)");
	}

	/**
	 * Read host and port among {@code key=value} pairs; insert them where missing.
	 */
	private static void keyValues(UrlTemplate template, List<int[]> pairs, int start, int end, String hostInsert,
			String portInsert) {
		String url = template.url();
		int[] host = null;
		int[] port = null;
		for (int[] pair : pairs) {
			int equals = url.indexOf('=', pair[0]);
			if (equals < 0 || equals >= pair[1]) {
				continue;
			}
			String key = url.substring(pair[0], equals).strip().toLowerCase(Locale.ROOT);
			int[] value = trim(url, equals + 1, pair[1]);
			if (key.equals("pipe") || key.equals("localsocket")) {
				throw template.unsupported("the address names a local " + key + ", not a network host, "
						+ "so there is nothing to tunnel");
			}
			if (key.equals("host")) {
				host = value;
			}
			else if (key.equals("port")) {
				port = value;
			}
		}
		String hostText = (host != null) ? url.substring(host[0], host[1]) : "";
		boolean bracketed = hostText.startsWith("[");
		int portNumber = (port != null) ? template.port(port[0], port[1]) : template.dialect().defaultPort();
		int index = template.add(new Endpoint(hostText.isEmpty() ? HostList.LOCALHOST : hostText, portNumber));
		if (host != null) {
			template.edit(host[0], host[1], index, bracketed ? Endpoint::uriHost : UrlTemplate::host);
		}
		else {
			template.edit(start, start, index, (endpoint) -> hostInsert.formatted(endpoint.host()));
		}
		if (port != null) {
			template.edit(port[0], port[1], index, UrlTemplate::port);
		}
		else {
			template.edit(end, end, index, (endpoint) -> portInsert.formatted(endpoint.port()));
		}
	}

	private static int[] trim(String text, int start, int end) {
		while (start < end && Character.isWhitespace(text.charAt(start))) {
			start++;
		}
		while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
			end--;
		}
		return new int[] { start, end };
	}

	/**
	 * Connector/J's {@code [host1,host2]} list, told apart from an {@code [ipv6]} literal
	 * by holding a comma, a parenthesis, or fewer than two colons.
	 */
	private static boolean isSublist(String url, int start, int end) {
		if (end - start < 2 || url.charAt(start) != '[' || url.charAt(end - 1) != ']') {
			return false;
		}
		int depth = 0;
		for (int i = start; i < end - 1; i++) {
			char c = url.charAt(i);
			depth += (c == '[') ? 1 : (c == ']') ? -1 : 0;
			if (depth == 0) {
				return false;
			}
		}
		String inside = url.substring(start + 1, end - 1);
		return inside.contains(",") || inside.contains("(") || inside.chars().filter((c) -> c == ':').count() < 2;
	}

	private static int lastAt(String url, int start, int end) {
		int at = -1;
		int depth = 0;
		for (int i = start; i < end; i++) {
			char c = url.charAt(i);
			if (c == '[' || c == '(') {
				depth++;
			}
			else if (c == ']' || c == ')') {
				depth--;
			}
			else if (c == '@' && depth == 0) {
				at = i;
			}
		}
		return at;
	}

}

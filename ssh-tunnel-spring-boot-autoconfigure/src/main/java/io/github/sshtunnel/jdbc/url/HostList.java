package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.List;

/**
 * The comma-separated {@code host[:port]} list of a URL authority, as pgjdbc,
 * Connector/J, Db2, H2, Oracle's EZConnect and R2DBC write it: IPv6 literals in brackets,
 * an optional {@code user[:password]@} before a host, an empty host meaning
 * {@code localhost}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class HostList {

	static final String LOCALHOST = "localhost";

	private HostList() {
	}

	/**
	 * Parse the list between {@code start} and {@code end} into endpoints of the
	 * template, each spelled by one edit that writes {@code host:port}.
	 */
	static void parse(UrlTemplate template, int start, int end) {
		for (int[] entry : split(template.url(), start, end, ',')) {
			entry(template, entry[0], entry[1]);
		}
	}

	/**
	 * Parse one {@code [user@]host[:port]} entry.
	 */
	static void entry(UrlTemplate template, int start, int end) {
		add(template, read(template, start, end), template.dialect().defaultPort());
	}

	/**
	 * Add an entry read by {@link #read}, with {@code port} if it named none.
	 */
	static void add(UrlTemplate template, Entry entry, int port) {
		int index = template.add(new Endpoint(entry.host(), (entry.port() > 0) ? entry.port() : port));
		template.edit(entry.start(), entry.end(), index, UrlTemplate::authority);
	}

	/**
	 * Read one {@code [user@]host[:port]} entry without adding it.
	 */
	static Entry read(UrlTemplate template, int start, int end) {
		String url = template.url();
		int hostStart = start;
		int at = lastOutsideBrackets(url, start, end, '@');
		if (at >= 0) {
			hostStart = at + 1;
		}
		String host;
		int port = -1;
		if (hostStart < end && url.charAt(hostStart) == '[') {
			int close = url.indexOf(']', hostStart);
			if (close < 0 || close >= end) {
				throw template.unsupported("an IPv6 address misses its closing bracket");
			}
			host = url.substring(hostStart + 1, close);
			if (close + 1 < end && url.charAt(close + 1) != ':') {
				throw template.unsupported("unexpected text after the IPv6 address [" + host + "]");
			}
			if (close + 2 < end) {
				port = template.port(close + 2, end);
			}
		}
		else {
			int colon = url.indexOf(':', hostStart);
			if (colon >= end) {
				colon = -1;
			}
			if (colon >= 0 && url.indexOf(':', colon + 1) >= 0 && url.indexOf(':', colon + 1) < end) {
				throw template.unsupported("an IPv6 address must be written in brackets, such as [::1]:"
						+ template.dialect().defaultPort());
			}
			host = url.substring(hostStart, (colon >= 0) ? colon : end);
			if (colon >= 0 && colon + 1 < end) {
				port = template.port(colon + 1, end);
			}
		}
		return new Entry(hostStart, end, host.isBlank() ? LOCALHOST : host, port);
	}

	/**
	 * Split {@code [start, end)} at {@code separator}s outside brackets and parentheses.
	 * @return {start, end} pairs
	 */
	static List<int[]> split(String text, int start, int end, char separator) {
		List<int[]> parts = new ArrayList<>();
		int depth = 0;
		int partStart = start;
		for (int i = start; i < end; i++) {
			char c = text.charAt(i);
			if (c == '[' || c == '(') {
				depth++;
			}
			else if (c == ']' || c == ')') {
				depth--;
			}
			else if (c == separator && depth == 0) {
				parts.add(new int[] { partStart, i });
				partStart = i + 1;
			}
		}
		parts.add(new int[] { partStart, end });
		return parts;
	}

	/**
	 * Return the index of the first of {@code stops} at or after {@code from} outside
	 * brackets and parentheses, or {@code text.length()}.
	 */
	static int indexOfAny(String text, int from, String stops) {
		int depth = 0;
		for (int i = from; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '[' || c == '(') {
				depth++;
			}
			else if (c == ']' || c == ')') {
				depth--;
			}
			else if (depth == 0 && stops.indexOf(c) >= 0) {
				return i;
			}
		}
		return text.length();
	}

	/**
	 * One host of a list: where it is written, the host, and its port or {@code -1}.
	 */
	record Entry(int start, int end, String host, int port) {

	}

	private static int lastOutsideBrackets(String text, int start, int end, char wanted) {
		int found = -1;
		int depth = 0;
		for (int i = start; i < end; i++) {
			char c = text.charAt(i);
			if (c == '[' || c == '(') {
				depth++;
			}
			else if (c == ']' || c == ')') {
				depth--;
			}
			else if (c == wanted && depth == 0) {
				found = i;
			}
		}
		return found;
	}

}

package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A parsed URL as the endpoints it names plus the spans of text that spell them, so that
 * a rewrite replaces exactly those spans and leaves every other character as written.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class UrlTemplate {

	private final String url;

	private final String scheme;

	private final JdbcDialect dialect;

	private final List<Endpoint> endpoints = new ArrayList<>();

	private final List<Edit> edits = new ArrayList<>();

	UrlTemplate(String url, String scheme, JdbcDialect dialect) {
		this.url = url;
		this.scheme = scheme;
		this.dialect = dialect;
	}

	String url() {
		return this.url;
	}

	String scheme() {
		return this.scheme;
	}

	JdbcDialect dialect() {
		return this.dialect;
	}

	List<Endpoint> endpoints() {
		return List.copyOf(this.endpoints);
	}

	/**
	 * Add an endpoint.
	 * @return its index, for {@link #edit}
	 */
	int add(Endpoint endpoint) {
		this.endpoints.add(endpoint);
		return this.endpoints.size() - 1;
	}

	/**
	 * Record that the text from {@code start} to {@code end} (empty for an insertion)
	 * spells (part of) endpoint {@code index}, and how to spell its replacement.
	 */
	void edit(int start, int end, int index, Function<Endpoint, String> render) {
		this.edits.add(new Edit(start, end, index, render));
	}

	UnsupportedJdbcUrlException unsupported(String problem) {
		return new UnsupportedJdbcUrlException(this.scheme, problem);
	}

	int port(int start, int end) {
		String text = this.url.substring(start, end).strip();
		if (text.isEmpty()) {
			return this.dialect.defaultPort();
		}
		if (text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
			throw unsupported("port [" + text + "] is not a number between 1 and 65535");
		}
		int port = Integer.parseInt(text);
		if (port < 1 || port > 65535) {
			throw unsupported("port [" + text + "] is not a number between 1 and 65535");
		}
		return port;
	}

	String rewrite(List<Endpoint> replacements) {
		if (replacements == null || replacements.size() != this.endpoints.size()) {
			throw new IllegalArgumentException(
					"replacements must hold " + this.endpoints.size() + " endpoints, one for each in the URL, but held "
							+ ((replacements != null) ? replacements.size() : "null"));
		}
		List<Edit> sorted = new ArrayList<>(this.edits);
		sorted.sort(Comparator.comparingInt(Edit::start));
		StringBuilder result = new StringBuilder(this.url.length() + 16);
		int position = 0;
		for (Edit edit : sorted) {
			result.append(this.url, position, edit.start());
			Endpoint replacement = replacements.get(edit.index());
			if (replacement == null) {
				throw new IllegalArgumentException("replacements must not hold null");
			}
			result.append(edit.render().apply(replacement));
			position = edit.end();
		}
		return result.append(this.url, position, this.url.length()).toString();
	}

	static String authority(Endpoint endpoint) {
		return endpoint.uriHost() + ":" + endpoint.port();
	}

	static String host(Endpoint endpoint) {
		return endpoint.host();
	}

	static String port(Endpoint endpoint) {
		return Integer.toString(endpoint.port());
	}

	private record Edit(int start, int end, int index, Function<Endpoint, String> render) {

	}

}

package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared checks of the URL tests: endpoints as expected, and a rewrite that the parser
 * reads back as the replacements.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class UrlCases {

	private UrlCases() {
	}

	/**
	 * Parse {@code url} from {@code "h:p,h:p"}-style expectations.
	 */
	static List<Endpoint> endpoints(String expected) {
		List<Endpoint> endpoints = new ArrayList<>();
		for (String entry : expected.split(" ")) {
			int colon = entry.lastIndexOf(':');
			endpoints.add(new Endpoint(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1))));
		}
		return endpoints;
	}

	/**
	 * Replacements for {@code count} endpoints: loopback, IPv6 and names, all distinct.
	 */
	static List<Endpoint> replacements(int count) {
		List<Endpoint> replacements = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			String host = switch (i % 3) {
				case 0 -> "127.0.0.1";
				case 1 -> "tunnel-" + i + ".example";
				default -> "::1";
			};
			replacements.add(new Endpoint(host, 40000 + i));
		}
		return replacements;
	}

	/**
	 * Assert the endpoints, then that a rewrite reads back as its replacements and an
	 * identity rewrite keeps the endpoints.
	 */
	static void assertParsesAndRoundTrips(String url, JdbcDialect dialect, String expected) {
		DatabaseUrl parsed = DatabaseUrl.parse(url);
		assertThat(parsed.dialect()).isEqualTo(dialect);
		assertThat(parsed.endpoints()).isEqualTo(endpoints(expected));
		assertRoundTrip(parsed, replacements(parsed.endpoints().size()));
		assertRoundTrip(parsed, parsed.endpoints());
	}

	static void assertRoundTrip(DatabaseUrl parsed, List<Endpoint> replacements) {
		String rewritten = parsed.rewrite(replacements);
		DatabaseUrl reparsed = DatabaseUrl.parse(rewritten);
		assertThat(reparsed.dialect()).isEqualTo(parsed.dialect());
		assertThat(reparsed.endpoints()).as(rewritten).isEqualTo(replacements);
	}

}

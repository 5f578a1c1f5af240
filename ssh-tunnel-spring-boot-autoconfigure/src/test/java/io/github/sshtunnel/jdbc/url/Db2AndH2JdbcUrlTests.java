package io.github.sshtunnel.jdbc.url;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Db2 and H2 server-mode URLs, and the H2 URLs that name no network address.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class Db2AndH2JdbcUrlTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:db2://db2.internal:50000/SAMPLE                                       | db2.internal:50000
			jdbc:db2://db2.internal/SAMPLE                                             | db2.internal:50000
			jdbc:db2://db2.internal:50001/SAMPLE:sslConnection=true;password=secret;   | db2.internal:50001
			jdbc:db2://[::1]:50000/SAMPLE                                              | ::1:50000
			""")
	void readsDb2Urls(String url, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.DB2, expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:h2:tcp://h2.internal:9093/~/test                  | h2.internal:9093
			jdbc:h2:tcp://h2.internal/mem:test;DB_CLOSE_DELAY=-1   | h2.internal:9092
			jdbc:h2:ssl://h2.internal:9094/./data/test             | h2.internal:9094
			jdbc:h2:tcp://s1:9101,s2:9102/~/cluster                | s1:9101 s2:9102
			jdbc:h2:tcp://localhost/mem:db                         | localhost:9092
			""")
	void readsH2ServerUrls(String url, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.H2, expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:h2:mem:test;DB_CLOSE_DELAY=-1 | jdbc:h2:mem
			jdbc:h2:file:/data/test            | jdbc:h2:file
			jdbc:h2:~/test                     | jdbc:h2
			jdbc:h2:./data/test                | jdbc:h2
			jdbc:h2:zip:/data/db.zip!/test     | jdbc:h2:zip
			""")
	void rejectsLocalH2Urls(String url, String scheme) {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class).isThrownBy(() -> JdbcUrl.parse(url))
			.withMessageStartingWith("Cannot route the " + scheme + " URL")
			.withMessageContaining("not a network URL")
			.withMessageContaining("nothing to tunnel")
			.withMessageContaining("ssh.tunnel.forwards")
			.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(ex.getScheme()).isEqualTo(scheme));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:db2:SAMPLE | jdbc:db2
			""")
	void rejectsLocalDb2Urls(String url, String scheme) {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class).isThrownBy(() -> JdbcUrl.parse(url))
			.withMessageStartingWith("Cannot route the " + scheme + " URL")
			.withMessageContaining("nothing to tunnel");
	}

}

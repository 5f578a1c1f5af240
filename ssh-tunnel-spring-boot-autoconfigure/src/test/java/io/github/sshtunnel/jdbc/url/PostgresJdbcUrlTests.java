package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.Driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * PostgreSQL and openGauss URLs, checked against pgjdbc's own
 * {@link Driver#parseURL(String, Properties)} where pgjdbc reads them.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class PostgresJdbcUrlTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:postgresql://db.internal:5432/app?sslmode=verify-full            | db.internal:5432
			jdbc:postgresql://db.internal/app                                     | db.internal:5432
			jdbc:postgresql://h1:5432,h2:5433/db?targetServerType=primary         | h1:5432 h2:5433
			jdbc:postgresql://h1,h2:6000,h3/db                                    | h1:5432 h2:6000 h3:5432
			jdbc:postgresql://[::1]:5433/db                                       | ::1:5433
			jdbc:postgresql://[2001:db8::7]/db                                    | 2001:db8::7:5432
			jdbc:postgresql://[::1]:5433,10.0.0.2:5434/db?user=u&password=secret | ::1:5433 10.0.0.2:5434
			jdbc:postgresql://localhost/                                          | localhost:5432
			jdbc:postgresql:app                                                   | localhost:5432
			jdbc:postgresql:app?ssl=true                                          | localhost:5432
			jdbc:postgresql://DB.Example.COM:15432/app                            | DB.Example.COM:15432
			""")
	void readsPostgresqlUrls(String url, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.POSTGRESQL, expected);
		assertThat(JdbcUrl.parse(url).endpoints()).isEqualTo(pgjdbc(url));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:opengauss://gauss1:8000,gauss2:8001/postgres?targetServerType=master | gauss1:8000 gauss2:8001
			jdbc:opengauss://gauss/postgres                                           | gauss:5432
			jdbc:opengauss://[fe80::1]:26000/db                                       | fe80::1:26000
			""")
	void readsOpenGaussUrls(String url, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.OPENGAUSS, expected);
	}

	@Test
	void rewritesOnlyTheHostsAndPorts() {
		JdbcUrl url = JdbcUrl.parse("jdbc:postgresql://h1:5432,[::1]/app?sslmode=verify-full&password=x:y@z");
		String rewritten = url.rewrite(List.of(new Endpoint("127.0.0.1", 40001), new Endpoint("::2", 40002)));
		assertThat(rewritten)
			.isEqualTo("jdbc:postgresql://127.0.0.1:40001,[::2]:40002/app?sslmode=verify-full&password=x:y@z");
	}

	@Test
	void writesAHostWhereTheUrlHadNone() {
		JdbcUrl url = JdbcUrl.parse("jdbc:postgresql:app?ssl=true");
		assertThat(url.rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("jdbc:postgresql://127.0.0.1:40001/app?ssl=true");
	}

	@Test
	void rejectsABareIpv6Address() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:postgresql://::1:5432/db"))
			.withMessageContaining("jdbc:postgresql")
			.withMessageContaining("[::1]:5432");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:postgresql://db:0/app      | [0]
			jdbc:postgresql://db:65536/app  | [65536]
			jdbc:postgresql://db:54x2/app   | [54x2]
			""")
	void rejectsABadPort(String url, String port) {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class).isThrownBy(() -> JdbcUrl.parse(url))
			.withMessageContaining("port " + port)
			.withMessageContaining("jdbc:postgresql")
			.withMessageContaining("ssh.tunnel.forwards");
	}

	private static List<Endpoint> pgjdbc(String url) {
		Properties properties = Driver.parseURL(url, new Properties());
		assertThat(properties).as("pgjdbc reads " + url).isNotNull();
		String[] hosts = properties.getProperty("PGHOST").split(",");
		String[] ports = properties.getProperty("PGPORT").split(",");
		List<Endpoint> endpoints = new ArrayList<>();
		for (int i = 0; i < hosts.length; i++) {
			endpoints.add(new Endpoint(hosts[i], Integer.parseInt(ports[i])));
		}
		return endpoints;
	}

}

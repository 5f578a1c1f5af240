package io.github.sshtunnel.jdbc.url;

import java.util.List;

import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * R2DBC URLs; single-host ones are checked against the R2DBC SPI's own
 * {@link ConnectionFactoryOptions#parse(CharSequence)}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class R2dbcUrlTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			r2dbc:postgresql://db.internal:5432/app?sslMode=verify-full | POSTGRESQL | db.internal:5432
			r2dbc:postgresql://db.internal/app                          | POSTGRESQL | db.internal:5432
			r2dbc:pool:postgresql://user:secret@db.internal:5433/app    | POSTGRESQL | db.internal:5433
			r2dbcs:postgresql://db.internal:5434/app                    | POSTGRESQL | db.internal:5434
			r2dbc:postgresql://[::1]:5435/app                           | POSTGRESQL | ::1:5435
			r2dbc:mariadb://db.internal:3307/app                        | MARIADB    | db.internal:3307
			r2dbc:pool:mariadb://db.internal/app?maxSize=5              | MARIADB    | db.internal:3306
			r2dbc:mysql://user@db.internal:3308/app                     | MYSQL      | db.internal:3308
			""")
	void readsSingleHostUrlsAsTheSpiDoes(String url, JdbcDialect dialect, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, dialect, expected);
		ConnectionFactoryOptions options = ConnectionFactoryOptions.parse(url);
		Endpoint endpoint = R2dbcUrl.parse(url).endpoints().get(0);
		String host = (String) options.getValue(ConnectionFactoryOptions.HOST);
		assertThat(new Endpoint(host, endpoint.port())).isEqualTo(endpoint);
		Object port = options.getValue(ConnectionFactoryOptions.PORT);
		if (port != null) {
			assertThat(port).isEqualTo(endpoint.port());
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					r2dbc:postgresql:failover://user:foo@host1:5433,host2:5432,host3/db?targetServerType=primary | host1:5433 host2:5432 host3:5432
					r2dbc:pool:postgresql:failover://h1,h2:5433/db                                               | h1:5432 h2:5433
					""")
	void readsFailoverLists(String url, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.POSTGRESQL, expected);
	}

	@Test
	void keepsCredentialsAndOptions() {
		R2dbcUrl url = R2dbcUrl.parse("r2dbc:pool:postgresql://user:p%40ss@db:5432/app?initialSize=2");
		assertThat(url.rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("r2dbc:pool:postgresql://user:p%40ss@127.0.0.1:40001/app?initialSize=2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "r2dbc:h2:mem:///test", "r2dbc:mssql://user:secret@db:1433/app" })
	void rejectsOtherDrivers(String url) {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class).isThrownBy(() -> R2dbcUrl.parse(url))
			.withMessageContaining("r2dbc:")
			.withMessageContaining("ssh.tunnel.forwards")
			.withMessageNotContaining("secret");
	}

}

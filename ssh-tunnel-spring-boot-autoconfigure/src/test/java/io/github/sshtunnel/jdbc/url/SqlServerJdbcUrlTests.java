package io.github.sshtunnel.jdbc.url;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * SQL Server (mssql-jdbc) URLs.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SqlServerJdbcUrlTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:sqlserver://db.internal:1433;databaseName=app;encrypt=true                    | db.internal:1433
			jdbc:sqlserver://db.internal;databaseName=app                                      | db.internal:1433
			jdbc:sqlserver://db.internal:14330                                                 | db.internal:14330
			jdbc:sqlserver://;serverName=db.internal;portNumber=1444;databaseName=app          | db.internal:1444
			jdbc:sqlserver://;serverName=db.internal;databaseName=app                          | db.internal:1433
			jdbc:sqlserver://;SERVERNAME={db.internal};PortNumber={1445}                       | db.internal:1445
			jdbc:sqlserver://;server=db.internal;port=1446                                     | db.internal:1446
			jdbc:sqlserver://db.internal\\SQLEXPRESS:50123;databaseName=app                    | db.internal:50123
			jdbc:sqlserver://db.internal;instanceName=SQLEXPRESS;portNumber=50124              | db.internal:50124
			jdbc:sqlserver://;serverName=db.internal\\SQLEXPRESS;portNumber=50125          | db.internal:50125
			jdbc:sqlserver://;serverName=::1;portNumber=1433                                   | ::1:1433
			jdbc:sqlserver://;databaseName=app                                                 | localhost:1433
			jdbc:sqlserver://;portNumber=1500;databaseName=app                                 | localhost:1500
			jdbc:sqlserver://first:1433;serverName=second;portNumber=1500                      | second:1500
			""")
	void readsSqlServerUrls(String url, String expected) {
		JdbcUrl parsed = JdbcUrl.parse(url);
		assertThat(parsed.dialect()).isEqualTo(JdbcDialect.SQLSERVER);
		assertThat(parsed.endpoints()).isEqualTo(UrlCases.endpoints(expected));
		UrlCases.assertRoundTrip(parsed, List.of(new Endpoint("127.0.0.1", 40001)));
		UrlCases.assertRoundTrip(parsed, List.of(new Endpoint("tunnel.example", 40002)));
		UrlCases.assertRoundTrip(parsed, parsed.endpoints());
	}

	@Test
	void writesThePortWhereTheUrlHadNone() {
		assertThat(JdbcUrl.parse("jdbc:sqlserver://db;encrypt=true").rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("jdbc:sqlserver://127.0.0.1:40001;encrypt=true");
		assertThat(JdbcUrl.parse("jdbc:sqlserver://;serverName=db;encrypt=true")
			.rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("jdbc:sqlserver://;serverName=127.0.0.1;portNumber=40001;encrypt=true");
		assertThat(JdbcUrl.parse("jdbc:sqlserver://;encrypt=true").rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("jdbc:sqlserver://127.0.0.1:40001;encrypt=true");
	}

	@Test
	void keepsTheInstanceNameBesideThePort() {
		assertThat(JdbcUrl.parse("jdbc:sqlserver://db\\INST:50123;user=sa;password={p;w}")
			.rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("jdbc:sqlserver://127.0.0.1\\INST:40001;user=sa;password={p;w}");
	}

	@Test
	void writesAnIpv6ReplacementOnlyInServerName() {
		JdbcUrl onServerName = JdbcUrl.parse("jdbc:sqlserver://;serverName=db;portNumber=1433");
		UrlCases.assertRoundTrip(onServerName, List.of(new Endpoint("::1", 40001)));
		JdbcUrl onAuthority = JdbcUrl.parse("jdbc:sqlserver://db:1433");
		assertThatIllegalArgumentException().isThrownBy(() -> onAuthority.rewrite(List.of(new Endpoint("::1", 40001))))
			.withMessageContaining("serverName");
	}

	@ParameterizedTest
	@ValueSource(strings = { "jdbc:sqlserver://db.internal\\SQLEXPRESS;databaseName=app;password=secret",
			"jdbc:sqlserver://;serverName=db.internal;instanceName=SQLEXPRESS;password=secret",
			"jdbc:sqlserver://;serverName=db.internal\\SQLEXPRESS;password=secret" })
	void rejectsAnInstanceNameWithoutAPort(String url) {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class).isThrownBy(() -> JdbcUrl.parse(url))
			.withMessageContaining("jdbc:sqlserver")
			.withMessageContaining("[SQLEXPRESS]")
			.withMessageContaining("UDP")
			.withMessageContaining("SQL Server Browser")
			.withMessageContaining("port")
			.withMessageContaining("ssh.tunnel.forwards")
			.withMessageNotContaining("secret");
	}

	@Test
	void rejectsAFailoverPartner() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:sqlserver://db:1433;failoverPartner=mirror"))
			.withMessageContaining("failoverPartner");
	}

}

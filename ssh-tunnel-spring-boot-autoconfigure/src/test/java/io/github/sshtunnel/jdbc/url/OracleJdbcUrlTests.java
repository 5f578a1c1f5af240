package io.github.sshtunnel.jdbc.url;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Oracle thin driver URLs: EZConnect, {@code host:port:SID} and TNS descriptors.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OracleJdbcUrlTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:oracle:thin:@//db.internal:1521/ORCLPDB1                          | db.internal:1521
			jdbc:oracle:thin:@//db.internal/ORCLPDB1                               | db.internal:1521
			jdbc:oracle:thin:@db.internal:1522:ORCL                                | db.internal:1522
			jdbc:oracle:thin:@db.internal:1523/service                             | db.internal:1523
			jdbc:oracle:thin:@db.internal/service                                  | db.internal:1521
			jdbc:oracle:thin:scott/tiger@db.internal:1521:ORCL                     | db.internal:1521
			jdbc:oracle:thin:@tcps://db.internal:2484/service?wallet_location=/w   | db.internal:2484
			jdbc:oracle:thin:@tcp://db.internal:1521/service                       | db.internal:1521
			jdbc:oracle:thin:@//h1:1521,h2:1522/service                            | h1:1521 h2:1522
			jdbc:oracle:thin:@//h1,h2:1522/service                                 | h1:1522 h2:1522
			jdbc:oracle:thin:@tcp://h1:1521,h2,h3:1523;h4/sales?load_balance=on    | h1:1521 h2:1523 h3:1523 h4:1521
			jdbc:oracle:thin:@h1,h2:1525;[::1]/sales                               | h1:1525 h2:1525 ::1:1521
			jdbc:oracle:thin:@[::1]:1521:ORCL                                      | ::1:1521
			jdbc:oracle:thin:@//[::1]:1521/service                                 | ::1:1521
			""")
	void readsEasyConnectUrls(String url, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.ORACLE, expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=h1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=s))) | h1:1521
					jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=h1)(PORT=1521))(ADDRESS=(PROTOCOL=TCP)(HOST=h2)(PORT=1522)))(CONNECT_DATA=(SERVICE_NAME=s))) | h1:1521 h2:1522
					jdbc:oracle:thin:@(description=(address=(protocol=tcps)(host=h1)(port=2484))(connect_data=(sid=ORCL)))      | h1:2484
					jdbc:oracle:thin:@ ( DESCRIPTION = ( ADDRESS = ( PROTOCOL = TCP ) ( HOST = h1 ) ( PORT = 1525 ) ) ( CONNECT_DATA = ( SERVICE_NAME = s ) ) ) | h1:1525
					jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=h1)(PROTOCOL=TCP))(CONNECT_DATA=(SERVICE_NAME=s)))            | h1:1521
					jdbc:oracle:thin:@(DESCRIPTION_LIST=(DESCRIPTION=(ADDRESS=(HOST=h1)(PORT=1521)))(DESCRIPTION=(ADDRESS=(HOST=h2)(PORT=1522)))) | h1:1521 h2:1522
					jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=::1)(PORT=1521))(CONNECT_DATA=(SERVICE_NAME=s))) | ::1:1521
					""")
	void readsTnsDescriptors(String url, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.ORACLE, expected);
	}

	@Test
	void rewritesTheDescriptorInPlace() {
		JdbcUrl url = JdbcUrl.parse("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=h1)"
				+ "(PORT=1521))(ADDRESS=(PROTOCOL=TCP)(HOST = h2)))(CONNECT_DATA=(SERVICE_NAME=s)))");
		assertThat(url.rewrite(List.of(new Endpoint("127.0.0.1", 40001), new Endpoint("127.0.0.1", 40002))))
			.isEqualTo("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS_LIST=(ADDRESS=(PROTOCOL=TCP)(HOST=127.0.0.1)"
					+ "(PORT=40001))(ADDRESS=(PROTOCOL=TCP)(HOST = 127.0.0.1)(PORT=40002)))(CONNECT_DATA=(SERVICE_NAME=s)))");
	}

	@Test
	void rewritesTheSidForm() {
		assertThat(JdbcUrl.parse("jdbc:oracle:thin:scott/tiger@db:1521:ORCL")
			.rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("jdbc:oracle:thin:scott/tiger@127.0.0.1:40001:ORCL");
	}

	@Test
	void rejectsATnsAlias() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:oracle:thin:scott/tiger@ORCL_HIGH?TNS_ADMIN=/wallet"))
			.withMessageContaining("jdbc:oracle:thin")
			.withMessageContaining("TNS alias [ORCL_HIGH]")
			.withMessageContaining("tnsnames.ora")
			.withMessageContaining("ssh.tunnel.forwards")
			.withMessageNotContaining("tiger");
	}

	@Test
	void rejectsANonTcpAddress() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=IPC)(KEY=orcl)))"))
			.withMessageContaining("[IPC]");
	}

	@Test
	void rejectsAnUnbalancedDescriptor() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(HOST=h1)(PORT=1521)"))
			.withMessageContaining("parentheses");
	}

	@Test
	void rejectsADescriptorWithoutAddress() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:oracle:thin:@(DESCRIPTION=(CONNECT_DATA=(SERVICE_NAME=s)))"))
			.withMessageContaining("ADDRESS");
	}

	@Test
	void rejectsLdapAndOci() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:oracle:thin:@ldap://ldap.example:389/orcl,cn=OracleContext"))
			.withMessageContaining("LDAP");
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:oracle:oci:@ORCL"))
			.withMessageContaining("jdbc:oracle:oci")
			.withMessageContaining("thin");
	}

}

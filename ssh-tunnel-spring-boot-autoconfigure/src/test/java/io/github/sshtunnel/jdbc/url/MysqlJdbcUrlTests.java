package io.github.sshtunnel.jdbc.url;

import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mariadb.jdbc.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * MySQL Connector/J and MariaDB Connector/J URLs; the MariaDB ones are checked against
 * MariaDB Connector/J's own {@link Configuration#parse(String)}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class MysqlJdbcUrlTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
							jdbc:mysql://db.internal:3306/app?sslMode=VERIFY_IDENTITY                    | db.internal:3306
							jdbc:mysql://db.internal/app                                                 | db.internal:3306
							jdbc:mysql://h1,h2:3307/db                                                   | h1:3306 h2:3307
							jdbc:mysql:replication://primary:3306,replica1:3307,replica2/db              | primary:3306 replica1:3307 replica2:3306
							jdbc:mysql:loadbalance://lb1:3306,lb2:3306/db?loadBalanceStrategy=random     | lb1:3306 lb2:3306
							jdbc:mysql://[::1]:3307/db                                                   | ::1:3307
							jdbc:mysql://[::1]/db                                                        | ::1:3306
							jdbc:mysql://sandy:secret@db1:3306,db2/db                                    | db1:3306 db2:3306
							jdbc:mysql://[h1:3306,h2:3307]/db                                            | h1:3306 h2:3307
							jdbc:mysql://[::1],db2,[::2]:3307/db                                         | ::1:3306 db2:3306 ::2:3307
					jdbc:mysql:///db                                                             | localhost:3306
							jdbc:mysql://                                                                | localhost:3306
							jdbc:mysql://address=(protocol=tcp)(host=db1)(port=3307)(user=u)/db          | db1:3307
							jdbc:mysql://address=(host=db1)(port=3307),address=(host=db2)(port=3308)/db  | db1:3307 db2:3308
							jdbc:mysql://address=(host=db1)(type=master)/db                              | db1:3306
							jdbc:mysql://ADDRESS=( HOST = db1 )( PORT = 3310 )/db                        | db1:3310
							jdbc:mysql://address=(host=[::1])(port=3307)/db                              | ::1:3307
							jdbc:mysql://(host=db1,port=3309,user=u),(host=db2,password=p)/db            | db1:3309 db2:3306
							jdbc:mysql://sandy:secret@(host=db1,port=1111),db2:2222/db                   | db1:1111 db2:2222
							""")
	void readsMysqlUrls(String url, String expected) {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.MYSQL, expected);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					jdbc:mariadb://db.internal:3306/app?sslMode=verify-full                      | db.internal:3306
					jdbc:mariadb://db.internal/app                                               | db.internal:3306
					jdbc:mariadb://h1,h2:3307/db                                                 | h1:3306 h2:3307
					jdbc:mariadb:sequential://h1:3306,h2:3307/db                                 | h1:3306 h2:3307
					jdbc:mariadb:replication://primary,replica:3307/db                           | primary:3306 replica:3307
					jdbc:mariadb:loadbalance://lb1,lb2/db                                        | lb1:3306 lb2:3306
					jdbc:mariadb://[::1]:3307/db                                                 | ::1:3307
					jdbc:mariadb://address=(host=db1)(port=3307)(type=master),address=(host=db2)(type=replica)/db | db1:3307 db2:3306
					jdbc:mariadb://localhost:3306/db?user=root&password=p,a:s@s                  | localhost:3306
					""")
	void readsMariadbUrlsAsMariadbConnectorJDoes(String url, String expected) throws SQLException {
		UrlCases.assertParsesAndRoundTrips(url, JdbcDialect.MARIADB, expected);
		List<Endpoint> driver = Configuration.parse(url)
			.addresses()
			.stream()
			.map((address) -> new Endpoint(address.host, address.port))
			.toList();
		assertThat(JdbcUrl.parse(url).endpoints()).isEqualTo(driver);
	}

	@Test
	void insertsAMissingPortIntoTheAddressForm() {
		JdbcUrl url = JdbcUrl.parse("jdbc:mariadb://address=(host=db1)(type=master)/db");
		assertThat(url.rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("jdbc:mariadb://address=(host=127.0.0.1)(type=master)(port=40001)/db");
	}

	@Test
	void insertsAMissingPortIntoTheKeyValueForm() {
		JdbcUrl url = JdbcUrl.parse("jdbc:mysql://(host=db1,user=u)/db");
		assertThat(url.rewrite(List.of(new Endpoint("127.0.0.1", 40001))))
			.isEqualTo("jdbc:mysql://(host=127.0.0.1,user=u,port=40001)/db");
	}

	@Test
	void keepsUserInfoAndProperties() {
		JdbcUrl url = JdbcUrl.parse("jdbc:mysql://sandy:secret@db1,db2:3307/db?password=x&sslMode=VERIFY_IDENTITY");
		assertThat(url.rewrite(List.of(new Endpoint("127.0.0.1", 40001), new Endpoint("127.0.0.1", 40002)))).isEqualTo(
				"jdbc:mysql://sandy:secret@127.0.0.1:40001,127.0.0.1:40002/db?password=x&sslMode=VERIFY_IDENTITY");
	}

	@Test
	void rejectsLocalSocketsAndPipes() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:mariadb://address=(localSocket=/run/mysqld/mysqld.sock)/db"))
			.withMessageContaining("localsocket")
			.withMessageContaining("nothing to tunnel");
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:mariadb://address=(pipe=mysql)/db"))
			.withMessageContaining("pipe");
	}

	@Test
	void rejectsDnsSrvUrls() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:mysql+srv://_mysql._tcp.example.com/db"))
			.withMessageContaining("jdbc:mysql+srv")
			.withMessageContaining("DNS SRV")
			.withMessageContaining("ssh.tunnel.forwards");
	}

	@Test
	void rejectsAUrlWithoutSlashes() {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class)
			.isThrownBy(() -> JdbcUrl.parse("jdbc:mariadb:db1:3306"))
			.withMessageContaining("jdbc:mariadb")
			.withMessageContaining("ssh.tunnel.forwards");
	}

}

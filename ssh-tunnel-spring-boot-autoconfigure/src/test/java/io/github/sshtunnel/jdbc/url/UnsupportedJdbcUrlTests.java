package io.github.sshtunnel.jdbc.url;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * URLs that cannot be routed: the message names the scheme and the port forwards to use
 * instead, and never repeats a password written in the URL.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class UnsupportedJdbcUrlTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:sqlite:/data/app.db?password=s3cr3t                     | jdbc:sqlite
			jdbc:derby://db:1527/app;user=u;password=s3cr3t              | jdbc:derby
			jdbc:clickhouse://user:s3cr3t@db:8123/app                    | jdbc:clickhouse
			jdbc:hsqldb:hsql://db/app?password=s3cr3t                    | jdbc:hsqldb
			jdbc:h2:mem:app;PASSWORD=s3cr3t                              | jdbc:h2:mem
			jdbc:oracle:thin:scott/s3cr3t@ORCL                           | jdbc:oracle:thin
			jdbc:sqlserver://db\\INST;password=s3cr3t                    | jdbc:sqlserver
			jdbc:mysql+srv://u:s3cr3t@_mysql._tcp.example/db             | jdbc:mysql+srv
			jdbc:postgresql://db:5432x/app?password=s3cr3t               | jdbc:postgresql
			jdbc:mariadb://address=(host=db)(password=s3cr3t)(port=x)/db | jdbc:mariadb
			postgresql://u:s3cr3t@db/app                                 | postgresql
			mongodb+srv://u:s3cr3t@cluster/app                           | mongodb+srv
			""")
	void namesTheSchemeAndThePortForwardsButNoSecret(String url, String scheme) {
		assertThatExceptionOfType(UnsupportedJdbcUrlException.class).isThrownBy(() -> DatabaseUrl.parse(url))
			.withMessageStartingWith("Cannot route the " + scheme + " URL through the SSH tunnel: ")
			.withMessageContaining("ssh.tunnel.forwards")
			.withMessageNotContaining("s3cr3t")
			.satisfies((ex) -> assertThat(ex.getScheme()).isEqualTo(scheme));
	}

}

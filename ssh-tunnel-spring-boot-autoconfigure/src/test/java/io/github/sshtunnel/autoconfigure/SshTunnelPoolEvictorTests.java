package io.github.sshtunnel.autoconfigure;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

import io.github.sshtunnel.core.ForwardState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SshTunnelPoolEvictor}: which pools go through a tunnel, and finding
 * the pool behind a delegating DataSource.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelPoolEvictorTests {

	private static final List<ForwardState> LOOPBACK_5432 = List
		.of(new ForwardState("db", "127.0.0.1", 5432, "db.internal", 5432, 0, 0, 0, 0, 0));

	@ParameterizedTest
	@ValueSource(strings = { "jdbc:postgresql://127.0.0.1:5432/app", "jdbc:postgresql://localhost:5432/app",
			"jdbc:postgresql://LOCALHOST:5432/app?ssl=false", "jdbc:postgresql://[::1]:5432/app",
			"jdbc:mariadb://127.0.0.1:5432/", "jdbc:h2:tcp://127.0.0.1:5432/mem:app;DB_CLOSE_DELAY=-1",
			"jdbc:sqlserver://127.0.0.1:5432;databaseName=app", "jdbc:oracle:thin:@127.0.0.1:5432:sid",
			"jdbc:oracle:thin:@//localhost:5432/service",
			"jdbc:postgresql://replica.example.com:6432,127.0.0.1:5432/app?targetServerType=primary",
			"jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=127.0.0.1)(PORT=5432))(CONNECT_DATA=(SERVICE_NAME=s)))",
			"jdbc:mysql://address=(host=localhost)(port=5432)/app" })
	void matchesTheForwardsHostAndPort(String url) {
		assertThat(SshTunnelPoolEvictor.usesTunnel(url, LOOPBACK_5432)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "jdbc:postgresql://127.0.0.1:54321/app", "jdbc:postgresql://127.0.0.1:15432/app",
			"jdbc:postgresql://db.example.com:5432/app", "jdbc:postgresql://10.0.0.5:5432/app",
			"jdbc:postgresql://127.0.0.1:543/app", "jdbc:h2:tcp://localhost/~/app",
			"jdbc:h2:mem:app;INIT=runscript from 'x:5432'", "jdbc:postgresql://127.0.0.1/app?port=5432",
			"jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=db.example.com)(PORT=5432)))" })
	void ignoresOtherHostsAndPorts(String url) {
		assertThat(SshTunnelPoolEvictor.usesTunnel(url, LOOPBACK_5432)).isFalse();
	}

	@Test
	void forwardOnAnotherAddressMatchesOnlyThatAddress() {
		List<ForwardState> forwards = List
			.of(new ForwardState("db", "10.1.2.3", 5432, "db.internal", 5432, 0, 0, 0, 0, 0));
		assertThat(SshTunnelPoolEvictor.usesTunnel("jdbc:postgresql://10.1.2.3:5432/app", forwards)).isTrue();
		assertThat(SshTunnelPoolEvictor.usesTunnel("jdbc:postgresql://127.0.0.1:5432/app", forwards)).isFalse();
	}

	@Test
	void forwardOnTheWildcardAddressMatchesLoopback() {
		List<ForwardState> forwards = List
			.of(new ForwardState("db", "0.0.0.0", 5432, "db.internal", 5432, 0, 0, 0, 0, 0));
		assertThat(SshTunnelPoolEvictor.usesTunnel("jdbc:postgresql://localhost:5432/app", forwards)).isTrue();
	}

	@Test
	void unboundForwardAndMissingUrlMatchNothing() {
		List<ForwardState> unbound = List
			.of(new ForwardState("db", "127.0.0.1", 0, "db.internal", 5432, 0, 0, 0, 0, 0));
		assertThat(SshTunnelPoolEvictor.usesTunnel("jdbc:postgresql://127.0.0.1:0/app", unbound)).isFalse();
		assertThat(SshTunnelPoolEvictor.usesTunnel(null, LOOPBACK_5432)).isFalse();
	}

	@Test
	void findsThePoolBehindDelegatingDataSources() throws Exception {
		try (HikariDataSource pool = new HikariDataSource()) {
			assertThat(SshTunnelPoolEvictor.hikari(pool)).isSameAs(pool);
			// Boot 4.1's spring.datasource.connection-fetch=lazy
			assertThat(SshTunnelPoolEvictor.hikari(new LazyConnectionDataSourceProxy(pool))).isSameAs(pool);
			assertThat(SshTunnelPoolEvictor.hikari(new DelegatingDataSource(
					new TransactionAwareDataSourceProxy(new LazyConnectionDataSourceProxy(pool)))))
				.isSameAs(pool);
			assertThat(SshTunnelPoolEvictor.hikari(new SimpleDriverDataSource())).isNull();
		}
	}

}

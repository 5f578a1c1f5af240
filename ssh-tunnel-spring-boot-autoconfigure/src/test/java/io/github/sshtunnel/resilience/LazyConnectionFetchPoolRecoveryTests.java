package io.github.sshtunnel.resilience;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Boot 4.1's {@code spring.datasource.connection-fetch=lazy} wraps the {@code dataSource}
 * bean in a {@link LazyConnectionDataSourceProxy}: the pool behind the proxy is still
 * found and evicted when the SSH session is lost, and queries recover. Runs on Boot 4.1
 * and later (the matrix: {@code .ci/matrix 4.1.2 17|25}); on 4.0 the property does not
 * exist and the test is skipped.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class LazyConnectionFetchPoolRecoveryTests {

	private TestSshServer server;

	private Server database;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() throws Exception {
		this.server = TestSshServer.withPassword("alice", "secret").start();
		this.database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
					"ssh.tunnel.username=alice", "ssh.tunnel.password=secret",
					"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(),
					"ssh.tunnel.forwards.db.remote-host=127.0.0.1",
					"ssh.tunnel.forwards.db.remote-port=" + this.database.getPort(), "ssh.tunnel.keepalive.interval=1s",
					"ssh.tunnel.reconnect.initial-delay=500ms", "spring.datasource.connection-fetch=lazy",
					"spring.datasource.url=jdbc:h2:tcp://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/mem:lazy;DB_CLOSE_DELAY=-1",
					"spring.datasource.username=sa", "spring.datasource.hikari.maximum-pool-size=4",
					"spring.datasource.hikari.connection-timeout=2000");
	}

	@AfterEach
	void stop() {
		this.database.stop();
		this.server.close();
	}

	@Test
	void poolBehindTheLazyProxyRecoversAfterASessionLoss(CapturedOutput output) {
		assumeThat(bootMinor()).as("Boot %s has no spring.datasource.connection-fetch", SpringBootVersion.getVersion())
			.isGreaterThanOrEqualTo(1);
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(dataSource).isInstanceOf(LazyConnectionDataSourceProxy.class);
			assertThat(dataSource.isWrapperFor(HikariDataSource.class)).isTrue();
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);
			SshTunnel tunnel = context.getBean(SshTunnel.class);
			int port = tunnel.localPort("db");
			for (int i = 0; i < 10; i++) {
				assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
			}
			this.server.stop();
			await().atMost(Duration.ofSeconds(5)).until(() -> !tunnel.state().isUp());
			this.server.start();
			await().atMost(Duration.ofSeconds(5))
				.ignoreExceptions()
				.until(() -> jdbc.queryForObject("select 1", Integer.class) == 1);
			assertThat(tunnel.localPort("db")).isEqualTo(port);
			assertThat(tunnel.state().reconnects()).isEqualTo(1);
			assertThat(output).contains("Evicted the connections of pool");
			for (int i = 0; i < 10; i++) {
				assertThat(jdbc.queryForObject("select 1", Integer.class)).isEqualTo(1);
			}
		});
	}

	private static int bootMinor() {
		String[] version = SpringBootVersion.getVersion().split("\\.");
		int major = Integer.parseInt(version[0]);
		return (major > 4) ? Integer.MAX_VALUE : Integer.parseInt(version[1]);
	}

}

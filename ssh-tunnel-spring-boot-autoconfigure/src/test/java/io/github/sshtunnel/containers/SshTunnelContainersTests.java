package io.github.sshtunnel.containers;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For users with Docker: an OpenSSH bastion container and a PostgreSQL container on one
 * Docker network; the database is published to nobody but the bastion and is queried
 * through the tunnel. Disabled where Docker is missing; the same path runs everywhere in
 * {@code OpenSshPostgresTunnelTests} (real OpenSSH sshd and PostgreSQL on loopback).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@Testcontainers(disabledWithoutDocker = true)
class SshTunnelContainersTests {

	private static final String PASSWORD = UUID.randomUUID().toString();

	private static final Network network = Network.newNetwork();

	@Container
	@SuppressWarnings("resource")
	static final PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:16-alpine").withNetwork(network)
		.withNetworkAliases("db");

	@Container
	@SuppressWarnings("resource")
	static final GenericContainer<?> bastion = new GenericContainer<>("testcontainers/sshd:1.3.0").withNetwork(network)
		.withEnv("PASSWORD", PASSWORD)
		.withExposedPorts(22);

	static {
		// the database is reachable only on the Docker network, through the bastion
		postgres.setExposedPorts(List.of());
	}

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class, DataSourceAutoConfiguration.class));

	@Test
	void queriesPostgresInAContainerThroughAnSshBastion() throws Exception {
		String hostKey = bastion.execInContainer("cat", "/etc/ssh/ssh_host_ed25519_key.pub").getStdout().trim();
		this.contextRunner
			.withPropertyValues("ssh.tunnel.host=" + bastion.getHost(), "ssh.tunnel.port=" + bastion.getMappedPort(22),
					"ssh.tunnel.username=root", "ssh.tunnel.password=" + PASSWORD, "ssh.tunnel.host-key=" + hostKey,
					"ssh.tunnel.forwards.db.remote-host=db", "ssh.tunnel.forwards.db.remote-port=5432",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:${local.ssh.tunnel.forwards.db.port}/"
							+ postgres.getDatabaseName(),
					"spring.datasource.username=" + postgres.getUsername(),
					"spring.datasource.password=" + postgres.getPassword())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(javax.sql.DataSource.class));
				assertThat(jdbc.queryForObject("select inet_server_port()", Integer.class)).isEqualTo(5432);
			});
	}

}

package io.github.sshtunnel.sample;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import io.github.sshtunnel.core.SshTunnel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample, as a user runs it: rows come through the tunnel and health shows it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	@LocalServerPort
	int port;

	@Autowired
	Environment environment;

	@Autowired
	SshTunnel tunnel;

	@Test
	void greetingsAreReadThroughTheTunnel() {
		int tunnelPort = this.environment.getRequiredProperty("local.ssh.tunnel.forwards.db.port", Integer.class);
		assertThat(tunnelPort).isPositive().isEqualTo(this.tunnel.localPort("db"));
		Map<String, Object> body = client().get()
			.uri("/api/greetings")
			.retrieve()
			.body(new ParameterizedTypeReference<Map<String, Object>>() {
			});
		assertThat((String) body.get("jdbcUrl")).contains("127.0.0.1:" + tunnelPort + "/");
		assertThat((List<?>) body.get("greetings")).hasSize(3);
		assertThat(body.get("greetings").toString()).contains("Hello through the SSH tunnel");
		assertThat(this.tunnel.state().forward("db").bytesInbound()).isPositive();
	}

	@Test
	void healthShowsTheTunnel() {
		ResponseEntity<String> health = client().get().uri("/actuator/health").retrieve().toEntity(String.class);
		assertThat(health.getStatusCode().value()).isEqualTo(200);
		assertThat(health.getBody()).contains("\"status\":\"UP\"").contains("\"sshTunnel\"").doesNotContain("password");
		String readiness = client().get().uri("/actuator/health/readiness").retrieve().body(String.class);
		assertThat(readiness).contains("sshTunnel");
		String prometheus = client().get().uri("/actuator/prometheus").retrieve().body(String.class);
		assertThat(prometheus).contains("ssh_tunnel_session_connected").contains("ssh_tunnel_bytes_total");
	}

	@Test
	void tunnelPortIsFreeAfterShutdown() throws Exception {
		ConfigurableApplicationContext context = SpringApplication.run(SampleApplication.class, "--server.port=0");
		int tunnelPort = context.getBean(SshTunnel.class).localPort("db");
		context.close();
		try (ServerSocket socket = new ServerSocket(tunnelPort, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(socket.getLocalPort()).isEqualTo(tunnelPort);
		}
	}

	private RestClient client() {
		return RestClient.create("http://127.0.0.1:" + this.port);
	}

}

package io.github.sshtunnel.sample;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.resttestclient.TestRestTemplate;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureTestRestTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.sample.GreetingController.Greeting;
import io.github.sshtunnel.sample.GreetingController.Greetings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample as a user runs it: the rows come through the tunnel and health shows it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureTestRestTemplate
class SampleApplicationTests {

	private static final String TUNNEL_PORT_PROPERTY = "local.ssh.tunnel.forwards.db.port";

	@Autowired
	private TestRestTemplate restTemplate;

	@Autowired
	private Environment environment;

	@Autowired
	private SshTunnel tunnel;

	@Test
	void greetingsAreReadThroughTheTunnel() {
		int tunnelPort = this.environment.getRequiredProperty(TUNNEL_PORT_PROPERTY, Integer.class);
		assertThat(tunnelPort).isPositive().isEqualTo(this.tunnel.localPort("db"));
		ResponseEntity<Greetings> response = this.restTemplate.getForEntity("/api/greetings", Greetings.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		Greetings body = response.getBody();
		assertThat(body).isNotNull();
		assertThat(body.jdbcUrl()).startsWith("jdbc:h2:tcp://127.0.0.1:" + tunnelPort + "/");
		assertThat(body.greetings()).extracting(Greeting::message).hasSize(3).contains("Hello through the SSH tunnel");
		assertThat(this.tunnel.state().forward("db").bytesInbound()).isPositive();
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthIsUpAndShowsTheTunnel() {
		ResponseEntity<Map<String, Object>> response = getMap("/actuator/health");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("status", "UP");
		Map<String, Object> components = (Map<String, Object>) response.getBody().get("components");
		assertThat(components).containsKey("sshTunnel");
		assertThat((Map<String, Object>) components.get("sshTunnel")).containsEntry("status", "UP");
		assertThat(this.restTemplate.getForObject("/actuator/health", String.class))
			.doesNotContain(this.environment.getRequiredProperty("ssh.tunnel.password"));
	}

	@Test
	void readinessIncludesTheTunnel() {
		ResponseEntity<String> response = this.restTemplate.getForEntity("/actuator/health/readiness", String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).contains("\"sshTunnel\"");
	}

	@Test
	void prometheusShowsTheTunnelMetrics() {
		ResponseEntity<String> response = this.restTemplate.getForEntity("/actuator/prometheus", String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).contains("ssh_tunnel_session_connected").contains("ssh_tunnel_bytes_total");
	}

	@Test
	void listensOnLoopbackOnly() throws IOException {
		assertThat(this.environment.getProperty("server.address")).isEqualTo("127.0.0.1");
		int port = this.environment.getRequiredProperty("local.server.port", Integer.class);
		for (InetAddress address : nonLoopbackAddresses()) {
			try (Socket socket = new Socket()) {
				assertThatExceptionOfType(IOException.class).as("%s:%d", address, port)
					.isThrownBy(() -> socket.connect(new InetSocketAddress(address, port), 2000));
			}
		}
	}

	@Test
	void healthShowsTheTunnelStatusButNoDetails() {
		String health = this.restTemplate.getForObject("/actuator/health", String.class);
		assertThat(health).contains("\"sshTunnel\"")
			.doesNotContain("\"details\"")
			.doesNotContain(this.environment.getRequiredProperty("ssh.tunnel.username"))
			.doesNotContain("\"" + this.environment.getRequiredProperty("ssh.tunnel.port") + "\"");
	}

	private static List<InetAddress> nonLoopbackAddresses() throws IOException {
		List<InetAddress> addresses = new ArrayList<>();
		for (NetworkInterface networkInterface : Collections.list(NetworkInterface.getNetworkInterfaces())) {
			if (networkInterface.isUp() && !networkInterface.isLoopback()) {
				for (InetAddress address : Collections.list(networkInterface.getInetAddresses())) {
					if (address instanceof Inet4Address) {
						addresses.add(address);
					}
				}
			}
		}
		return addresses;
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void portsAreFreeAfterTheContextCloses(CapturedOutput output) throws IOException {
		ConfigurableApplicationContext context = new SpringApplication(SampleApplication.class).run("--server.port=0");
		int tunnelPort;
		int sshPort;
		int databasePort;
		String password;
		try {
			Environment environment = context.getEnvironment();
			tunnelPort = environment.getRequiredProperty(TUNNEL_PORT_PROPERTY, Integer.class);
			assertThat(context.getBean(SshTunnel.class).localPort("db")).isEqualTo(tunnelPort);
			sshPort = environment.getRequiredProperty("ssh.tunnel.port", Integer.class);
			databasePort = environment.getRequiredProperty("ssh.tunnel.forwards.db.remote-port", Integer.class);
			password = environment.getRequiredProperty("ssh.tunnel.password");
		}
		finally {
			context.close();
		}
		assertPortIsFree(tunnelPort);
		assertPortIsFree(sshPort);
		assertPortIsFree(databasePort);
		assertThat(output).contains("Demo servers running on 127.0.0.1: SSH on port " + sshPort)
			.doesNotContain(password);
	}

	private ResponseEntity<Map<String, Object>> getMap(String path) {
		return this.restTemplate.exchange(path, HttpMethod.GET, null,
				new ParameterizedTypeReference<Map<String, Object>>() {
				});
	}

	private static void assertPortIsFree(int port) throws IOException {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(socket.getLocalPort()).isEqualTo(port);
		}
	}

}

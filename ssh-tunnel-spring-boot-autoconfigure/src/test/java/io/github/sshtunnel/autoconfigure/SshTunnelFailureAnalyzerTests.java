package io.github.sshtunnel.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import io.github.sshtunnel.autoconfigure.jdbc.SshTunnelDataSourceAutoConfiguration;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Tests that every start-up failure a user can cause ends in Boot's "APPLICATION FAILED
 * TO START" report, with a description of the cause and an action naming the property to
 * fix, and that no secret reaches the output.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SshTunnelFailureAnalyzerTests {

	private static final String PASSWORD = "Pa55-w0rd-never-shown";

	private static final String PASSPHRASE = "pass-phrase-never-shown";

	@TempDir
	Path temp;

	private TestSshServer server;

	@BeforeEach
	void start() {
		this.server = TestSshServer.withPassword("alice", "right-password").start();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void hostUnreachable(CapturedOutput output) throws Exception {
		int closed = freePort();
		assertFailure(output, List.of("ssh.tunnel.port=" + closed, "ssh.tunnel.password=" + PASSWORD),
				"Could not connect to SSH server [127.0.0.1]:" + closed, "ssh.tunnel.host and ssh.tunnel.port");
	}

	@Test
	void hostTimingOut(CapturedOutput output) throws Exception {
		try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			assertFailure(output, List.of("ssh.tunnel.port=" + silent.getLocalPort(),
					"ssh.tunnel.connect-timeout=500ms", "ssh.tunnel.password=" + PASSWORD), "Timed out after 500 ms",
					"ssh.tunnel.connect-timeout");
		}
	}

	@Test
	void authenticationRefused(CapturedOutput output) {
		assertFailure(output, List.of("ssh.tunnel.password=" + PASSWORD), "refused authentication of user 'alice'",
				"ssh.tunnel.password");
	}

	@Test
	void hostKeyUnknown(CapturedOutput output) throws Exception {
		Path knownHosts = Files.writeString(this.temp.resolve("known_hosts"), "");
		assertFailure(output, List.of("ssh.tunnel.host-key=", "ssh.tunnel.known-hosts=file:" + knownHosts,
				"ssh.tunnel.password=" + PASSWORD), "is not in known_hosts file", "ssh.tunnel.known-hosts");
	}

	@Test
	void hostKeyChanged(CapturedOutput output) throws Exception {
		TestSshServer impostor = TestSshServer.withPassword("alice", "x").hostKeyType("ed25519");
		Path knownHosts = Files.writeString(this.temp.resolve("known_hosts"),
				"[127.0.0.1]:" + this.server.port() + " " + impostor.hostKeyLine() + "\n");
		assertFailure(output, List.of("ssh.tunnel.host-key=", "ssh.tunnel.known-hosts=file:" + knownHosts,
				"ssh.tunnel.password=" + PASSWORD), "man-in-the-middle attack", "ssh.tunnel.known-hosts");
	}

	@Test
	void jumpHostKeyChanged(CapturedOutput output) throws Exception {
		TestSshServer impostor = TestSshServer.withPassword("alice", "x").hostKeyType("ed25519");
		Path knownHosts = Files.writeString(this.temp.resolve("known_hosts"),
				"[127.0.0.1]:" + this.server.port() + " " + impostor.hostKeyLine() + "\n");
		int target = freePort();
		assertFailure(output, List.of("ssh.tunnel.port=" + target, "ssh.tunnel.host-key=",
				"ssh.tunnel.known-hosts=file:" + knownHosts, "ssh.tunnel.jump-hosts[0].host=127.0.0.1",
				"ssh.tunnel.jump-hosts[0].port=" + this.server.port(), "ssh.tunnel.jump-hosts[0].password=" + PASSWORD),
				"could not be opened at jump host 1 of 1, 127.0.0.1:" + this.server.port() + " (HOST_KEY_CHANGED)",
				"ssh.tunnel.jump-hosts[0]");
		assertThat(output).contains("jump host 1 of 1, 127.0.0.1:" + this.server.port()
				+ ": SSH host key of [127.0.0.1]:" + this.server.port() + " has CHANGED");
	}

	@Test
	void keyFileMissing(CapturedOutput output) {
		assertFailure(output,
				List.of("ssh.tunnel.private-key=file:" + this.temp.resolve("id_missing"),
						"ssh.tunnel.private-key-passphrase=" + PASSPHRASE),
				"id_missing does not exist", "ssh.tunnel.private-key");
	}

	@Test
	void wrongPassphrase(CapturedOutput output) {
		assertFailure(output,
				List.of("ssh.tunnel.private-key=classpath:keys/ed25519_openssh_encrypted",
						"ssh.tunnel.private-key-passphrase=" + PASSPHRASE),
				"could not be decrypted: wrong passphrase", "ssh.tunnel.private-key-passphrase");
	}

	@Test
	void inlineKeyThatIsNotAKey(CapturedOutput output) {
		String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END OPENSSH PRIVATE KEY-----";
		assertFailure(output, List.of("ssh.tunnel.private-key=" + pem), "holds no private key in a supported format",
				"ssh.tunnel.private-key");
		assertThat(output).doesNotContain("c2VjcmV0LWtleS1tYXRlcmlhbA==");
	}

	@Test
	void localPortInUse(CapturedOutput output) throws Exception {
		try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			assertFailure(output,
					List.of("ssh.tunnel.forwards.db.local-port=" + busy.getLocalPort(),
							"ssh.tunnel.password=" + PASSWORD),
					"Local port " + busy.getLocalPort() + " on 127.0.0.1 for forward 'db' is already in use",
					"ssh.tunnel.forwards.db.local-port");
		}
	}

	@Test
	void missingRemotePort(CapturedOutput output) {
		assertFailure(output, List.of("ssh.tunnel.forwards.cache.local-port=6379", "ssh.tunnel.password=" + PASSWORD),
				"ssh.tunnel.forwards.cache.remote-port is required", "ssh.tunnel.forwards.cache.remote-port");
	}

	@Test
	void portOutOfRange(CapturedOutput output) {
		assertFailure(output, List.of("ssh.tunnel.forwards.db.remote-port=70000", "ssh.tunnel.password=" + PASSWORD),
				"ssh.tunnel.forwards.db.remote-port must be between 1 and 65535 but was 70000",
				"ssh.tunnel.forwards.db.remote-port");
	}

	@Test
	void unsupportedDataSourceUrlIsReportedAsRouting(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
					"ssh.tunnel.username=alice", "ssh.tunnel.password=right-password",
					"ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(), "spring.main.banner-mode=off",
					"ssh.tunnel.datasource.enabled=true", "spring.datasource.url=jdbc:sqlite:/var/app/app.db")
			.run()
			.close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The database could not be routed through the SSH tunnel")
			.contains("spring.datasource.url: Cannot route the jdbc:sqlite URL through the SSH tunnel")
			.doesNotContain("right-password");
		String afterAction = output.toString().substring(output.toString().lastIndexOf("Action:"));
		assertThat(afterAction).contains("ssh.tunnel.forwards");
	}

	private void assertFailure(CapturedOutput output, List<String> properties, String description, String action) {
		List<String> all = new ArrayList<>(List.of("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(),
				"ssh.tunnel.forwards.db.remote-port=5432", "spring.main.banner-mode=off"));
		all.addAll(properties);
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run()
			.close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("The SSH tunnel 'sshTunnel' could not be opened")
			.contains(description)
			.doesNotContain(PASSWORD)
			.doesNotContain(PASSPHRASE);
		String afterAction = output.toString().substring(output.toString().lastIndexOf("Action:"));
		assertThat(afterAction).contains(action);
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SshTunnelAutoConfiguration.class, SshTunnelDataSourceAutoConfiguration.class,
			DataSourceAutoConfiguration.class })
	static class App {

	}

}

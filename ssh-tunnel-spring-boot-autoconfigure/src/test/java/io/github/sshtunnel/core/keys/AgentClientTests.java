package io.github.sshtunnel.core.keys;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link AgentClient} against sockets that misbehave: missing, refusing, never
 * answering.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class AgentClientTests {

	@TempDir
	Path temp;

	@Test
	void failsNamingThePropertyWhenSocketIsMissing() {
		Path missing = this.temp.resolve("missing.sock");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> AgentClient.open(missing.toString(), Duration.ofSeconds(1)))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.AGENT_UNAVAILABLE);
				assertThat(ex.getMessage()).startsWith("ssh-agent at " + missing + " is unavailable");
				assertThat(ex.getAction()).contains("ssh.tunnel.identity-agent");
			});
	}

	@Test
	void failsWhenNobodyListensOnTheSocket() throws IOException {
		Path stale = this.temp.resolve("stale.sock");
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(stale));
		}
		assertThat(stale).exists();
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> AgentClient.open(stale.toString(), Duration.ofSeconds(1)))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.AGENT_UNAVAILABLE);
				assertThat(ex.getAction()).contains("ssh.tunnel.identity-agent");
			});
	}

	@Test
	void givesUpWithinTimeoutWhenAgentNeverAnswers() throws IOException {
		Path socket = this.temp.resolve("silent.sock");
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(socket));
			try (AgentClient agent = AgentClient.open(socket.toString(), Duration.ofMillis(300))) {
				long start = System.nanoTime();
				assertThatExceptionOfType(SshTunnelException.class).isThrownBy(agent::identities).satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(Reason.AGENT_UNAVAILABLE);
					assertThat(ex.getMessage()).contains("no answer within 300 ms");
					assertThat(ex.getAction()).contains("ssh.tunnel.identity-agent");
				});
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250),
						Duration.ofSeconds(5));
			}
		}
	}

	@Test
	void failsNamingThePropertyWhenSshAuthSockIsNotSet() {
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> AgentClient.open("SSH_AUTH_SOCK", Duration.ofSeconds(1), (name) -> null))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.AGENT_UNAVAILABLE);
				assertThat(ex.getMessage()).contains("SSH_AUTH_SOCK environment variable is not set");
				assertThat(ex.getAction()).contains("ssh.tunnel.identity-agent");
			});
	}

	@Test
	void takesSocketFromSshAuthSock() throws IOException {
		Path socket = Files.createFile(this.temp.resolve("from-env.sock"));
		Map<String, String> environment = Map.of("SSH_AUTH_SOCK", socket.toString());
		assertThat(AgentClient.resolve("SSH_AUTH_SOCK", environment::get)).isEqualTo(socket);
		assertThat(AgentClient.resolve("/run/agent.sock", environment::get)).isEqualTo(Path.of("/run/agent.sock"));
	}

}

package io.github.sshtunnel.openssh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.HostKeyChecking;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.SshAgentProcess;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Login through a real OpenSSH {@code ssh-agent} ({@code identity-agent}) against a real
 * OpenSSH {@code sshd}: agent-held ed25519 and RSA keys, an agent-held user certificate,
 * the private key offered before the agent's keys, and the message when an agent with
 * many keys exhausts the server's {@code MaxAuthTries}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshAgentTests {

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private SshAgentProcess agent;

	private final TestTcpServer target = TestTcpServer.echo();

	@BeforeEach
	void startAgent() {
		Peers.requireOpenSshAgent();
		this.sshd = new OpenSshServer();
		this.agent = SshAgentProcess.start(this.temp);
	}

	@AfterEach
	void stop() {
		if (this.agent != null) {
			this.agent.close();
		}
		if (this.sshd != null) {
			this.sshd.close();
		}
		this.target.close();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "ed25519", "rsa" })
	void logsInWithAgentHeldKey(String type) throws Exception {
		Path key = SshAgentProcess.generateKey(this.temp, type, "agent_" + type);
		this.agent.add(key);
		Files.delete(key);
		this.sshd.authorize(Path.of(key + ".pub")).start();
		try (SshTunnel tunnel = new SshTunnel(settings().identityAgent(this.agent.socket().toString()).build())
			.open()) {
			assertThat(tunnel.state().isUp()).as(this.sshd.log()).isTrue();
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "through the agent"))
				.isEqualTo("through the agent");
		}
		assertThat(this.sshd.log()).contains("Accepted publickey").contains(type.toUpperCase());
	}

	@Test
	void logsInWithAgentHeldCertificate() throws Exception {
		Path ca = SshAgentProcess.generateKey(this.temp, "ed25519", "user_ca");
		Path key = SshAgentProcess.generateKey(this.temp, "ed25519", "certified");
		SshAgentProcess.signUserCertificate(ca, Path.of(key + ".pub"), this.sshd.user());
		this.agent.add(key);
		assertThat(this.agent.list()).anyMatch((line) -> line.contains("CERT"));
		Files.delete(key);
		// only the CA is trusted: the plain key alone is refused
		this.sshd.configure("TrustedUserCAKeys " + ca + ".pub").start();
		try (SshTunnel tunnel = new SshTunnel(settings().identityAgent(this.agent.socket().toString()).build())
			.open()) {
			assertThat(tunnel.state().isUp()).as(this.sshd.log()).isTrue();
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "certified")).isEqualTo("certified");
		}
		assertThat(this.sshd.log()).contains("Accepted publickey").contains("ED25519-CERT");
	}

	@Test
	void offersPrivateKeyBeforeAgentKeys() throws Exception {
		addKeys(7);
		Path own = SshAgentProcess.generateKey(this.temp, "ed25519", "own");
		this.sshd.authorize(Path.of(own + ".pub")).configure("MaxAuthTries 6").start();
		TunnelSettings settings = settings().privateKey(PrivateKeySource.ofPath(own))
			.identityAgent(this.agent.socket().toString())
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			assertThat(tunnel.state().isUp()).as(this.sshd.log()).isTrue();
		}
		assertThat(this.sshd.log()).doesNotContain("Failed publickey");
	}

	@Test
	void failsWithKeyCountWhenAgentKeysExhaustMaxAuthTries() {
		addKeys(7);
		Path accepted = SshAgentProcess.generateKey(this.temp, "ed25519", "accepted");
		this.sshd.authorize(Path.of(accepted + ".pub")).configure("MaxAuthTries 6").start();
		TunnelSettings settings = settings().identityAgent(this.agent.socket().toString()).build();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).as(ex.getMessage()).isEqualTo(Reason.AUTHENTICATION_FAILED);
				assertThat(ex.getMessage()).contains("7 keys from ssh-agent " + this.agent.socket())
					.contains("public keys offered")
					.contains("MaxAuthTries");
				assertThat(ex.getAction()).contains("ssh.tunnel.identity-agent").contains("ssh.tunnel.private-key");
			});
	}

	@Test
	void failsClearlyWhenAgentSocketIsMissing() {
		this.sshd.start();
		Path missing = this.temp.resolve("no-agent.sock");
		TunnelSettings settings = settings().identityAgent(missing.toString()).build();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.AGENT_UNAVAILABLE);
				assertThat(ex.getMessage()).contains("ssh-agent at " + missing + " is unavailable");
				assertThat(ex.getAction()).contains("ssh.tunnel.identity-agent");
			});
	}

	private void addKeys(int count) {
		for (int i = 0; i < count; i++) {
			Path key = SshAgentProcess.generateKey(this.temp, "ed25519", "unknown_" + i);
			this.agent.add(key);
		}
		assertThat(this.agent.list()).hasSize(count);
	}

	private TunnelSettings.Builder settings() {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.sshd.port())
			.username(this.sshd.user())
			.hostKey(this.sshd.hostKeyPublicLine())
			.hostKeyChecking(HostKeyChecking.YES)
			.connectTimeout(Duration.ofSeconds(10))
			.reconnect(false, Duration.ofSeconds(1), Duration.ofSeconds(1))
			.forward(new ForwardSettings("echo", "127.0.0.1", 0, "127.0.0.1", this.target.port()));
	}

}

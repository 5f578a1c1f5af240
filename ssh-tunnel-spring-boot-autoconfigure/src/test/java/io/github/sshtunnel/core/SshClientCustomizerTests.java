package io.github.sshtunnel.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SshClientCustomizer}: customizers run after every one of the tunnel's
 * own defaults, also the per-session ones, so what they set is what the session uses.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshClientCustomizerTests {

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final TestTcpServer echo = TestTcpServer.echo();

	@AfterEach
	void stop() {
		this.server.close();
		this.echo.close();
	}

	@Test
	void customizersHostKeyAlgorithmsAreNotReplacedAtConnect() {
		// the server has only an ECDSA host key: a client that allows only RSA must fail
		// to
		// agree, which proves the customizer's choice reached the session
		SshClientCustomizer rsaOnly = (client) -> client
			.setSignatureFactories(List.<NamedFactory<Signature>>of(BuiltinSignatures.rsaSHA512));
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings(), List.of(rsaOnly)).open())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.SSH_ERROR));
	}

	@Test
	void customizersRunAfterTheDefaultsAndInOrder() throws Exception {
		List<String> seen = new CopyOnWriteArrayList<>();
		SshClientCustomizer first = (client) -> {
			// the tunnel's defaults are already there
			seen.add("first: heartbeat " + CoreModuleProperties.HEARTBEAT_INTERVAL.getRequired(client).isZero()
					+ ", cipher " + client.getCipherFactories().get(0).getName());
			client.setCipherFactories(List.of(BuiltinCiphers.aes256ctr));
		};
		SshClientCustomizer second = (client) -> seen
			.add("second: cipher " + client.getCipherFactories().get(0).getName());
		try (SshTunnel tunnel = new SshTunnel(settings(), List.of(first, second)).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "ctr")).isEqualTo("ctr");
		}
		assertThat(seen).containsExactly("first: heartbeat true, cipher aes128-gcm@openssh.com",
				"second: cipher aes256-ctr");
	}

	private TunnelSettings settings() {
		return this.server.tunnelSettings(ForwardSettings.of("echo", this.echo.port()))
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

}

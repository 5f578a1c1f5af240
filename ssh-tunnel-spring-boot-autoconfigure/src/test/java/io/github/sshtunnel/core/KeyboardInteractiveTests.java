package io.github.sshtunnel.core;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Keyboard-interactive login against a server that offers nothing else (as a PAM-only
 * OpenSSH does): a single password prompt gets {@code ssh.tunnel.password}; any other
 * question fails at once, quoting it, and never hangs.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class KeyboardInteractiveTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final TestTcpServer echo = TestTcpServer.echo();

	private TestSshServer server;

	@AfterEach
	void stop() {
		if (this.server != null) {
			this.server.close();
		}
		this.echo.close();
	}

	@Test
	void singlePasswordPromptIsAnsweredWithThePassword() throws Exception {
		this.server = TestSshServer.withPassword("alice", "secret")
			.keyboardInteractiveOnly(false, "Password: ")
			.start();
		try (SshTunnel tunnel = new SshTunnel(settings("secret")).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
			assertThat(TestTcpServer.exchange(tunnel.localPort("echo"), "pam")).isEqualTo("pam");
		}
	}

	@Test
	void wrongPasswordAtThePromptIsRefused() {
		this.server = TestSshServer.withPassword("alice", "secret")
			.keyboardInteractiveOnly(false, "Password: ")
			.start();
		SshTunnelException failure = catchThrowableOfType(SshTunnelException.class,
				() -> new SshTunnel(settings("wrong")).open());
		assertThat(failure.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
		assertThat(failure.getMessage()).doesNotContain("wrong").doesNotContain("secret");
	}

	@Test
	void oneTimeCodeFailsAtOnceQuotingTheQuestion() {
		this.server = TestSshServer.withPassword("alice", "secret")
			.keyboardInteractiveOnly(true, "Verification code: ")
			.start();
		long start = System.nanoTime();
		SshTunnelException failure = catchThrowableOfType(SshTunnelException.class,
				() -> new SshTunnel(settings("secret")).open());
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		assertThat(failure.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
		assertThat(failure.getMessage()).contains("asked user 'alice' \"Verification code:\" (keyboard-interactive)")
			.doesNotContain("secret");
		assertThat(failure.getAction()).contains("ssh.tunnel.private-key");
		assertThat(took).isLessThan(TIMEOUT.dividedBy(2));
	}

	@Test
	void passwordAndSecondFactorTogetherFailQuotingBoth() {
		this.server = TestSshServer.withPassword("alice", "secret")
			.keyboardInteractiveOnly(false, "Password: ", "OTP: ")
			.start();
		SshTunnelException failure = catchThrowableOfType(SshTunnelException.class,
				() -> new SshTunnel(settings("secret")).open());
		assertThat(failure.getReason()).isEqualTo(Reason.AUTHENTICATION_FAILED);
		assertThat(failure.getMessage()).contains("\"Password:\", \"OTP:\"");
	}

	private TunnelSettings settings(String password) {
		return this.server.tunnelSettings(ForwardSettings.of("echo", this.echo.port()))
			.password(password)
			.connectTimeout(TIMEOUT)
			.build();
	}

}

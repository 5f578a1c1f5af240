package io.github.sshtunnel.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the forms {@code ssh.tunnel.private-key} takes (a location, PEM text, base64
 * of a key file), and that a value which is not clearly a location is never shown.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class SshTunnelPrivateKeyPropertyTests {

	private final TestSshServer server = TestSshServer.withKeysOnly("alice")
		.authorize(KeyFixtures.DIRECTORY.resolve("ed25519_openssh.pub"))
		.authorize(KeyFixtures.DIRECTORY.resolve("ed25519_pkcs8.pub"))
		.start();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SshTunnelAutoConfiguration.class))
		.withPropertyValues("ssh.tunnel.host=127.0.0.1", "ssh.tunnel.port=" + this.server.port(),
				"ssh.tunnel.username=alice", "ssh.tunnel.host-key=" + this.server.hostKeyFingerprint(),
				"ssh.tunnel.connect-timeout=5s");

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void base64OfAKeyFileIsAcceptedAsTheKeyText() throws Exception {
		for (String fixture : new String[] { "ed25519_openssh", "ed25519_pkcs8" }) {
			byte[] file = Files.readAllBytes(KeyFixtures.DIRECTORY.resolve(fixture));
			for (String encoded : new String[] { Base64.getEncoder().encodeToString(file),
					Base64.getMimeEncoder().encodeToString(file) }) {
				this.contextRunner.withPropertyValues("ssh.tunnel.private-key=" + encoded).run((context) -> {
					assertThat(context).as(fixture).hasNotFailed();
					assertThat(context.getBean(SshTunnel.class).state().isUp()).isTrue();
					assertThat(context.getBean(SshTunnel.class).settings().toString()).doesNotContain(encoded);
				});
			}
		}
	}

	@Test
	void valueThatIsNotClearlyALocationIsNeverShown(CapturedOutput output) {
		String secretLike = Base64.getEncoder()
			.encodeToString("-----BEGIN SOMETHING-----\nnot a key but a secret\n".getBytes(StandardCharsets.UTF_8));
		for (String value : new String[] { secretLike, "c2VjcmV0LXRva2VuLXRoYXQtaXMtbm90LWEta2V5",
				"keys/id_missing" }) {
			this.contextRunner.withPropertyValues("ssh.tunnel.private-key=" + value).run((context) -> {
				assertThat(context).hasFailed();
				SshTunnelException failure = tunnelFailure(context.getStartupFailure());
				assertThat(failure.getReason()).isIn(Reason.KEY_UNREADABLE, Reason.KEY_INVALID);
				assertThat(failure.getMessage()).contains("ssh.tunnel.private-key").doesNotContain(value);
				assertThat(failure.getAction()).contains("ssh.tunnel.private-key").doesNotContain(value);
			});
			assertThat(output.getAll()).doesNotContain(value);
		}
	}

	@Test
	void aMissingLocationIsNamed() {
		Path missing = Path.of("/nonexistent/.ssh/id_ed25519");
		for (String value : new String[] { "file:" + missing, missing.toString() }) {
			this.contextRunner.withPropertyValues("ssh.tunnel.private-key=" + value).run((context) -> {
				SshTunnelException failure = tunnelFailure(context.getStartupFailure());
				assertThat(failure.getReason()).isEqualTo(Reason.KEY_UNREADABLE);
				assertThat(failure.getMessage()).contains(missing.toString()).contains("does not exist");
			});
		}
	}

	private static SshTunnelException tunnelFailure(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SshTunnelException tunnelException) {
				return tunnelException;
			}
		}
		throw new AssertionError("No SshTunnelException in " + failure, failure);
	}

}

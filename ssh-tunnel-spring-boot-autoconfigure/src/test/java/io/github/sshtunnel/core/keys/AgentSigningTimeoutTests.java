package io.github.sshtunnel.core.keys;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.agent.SshAgentConstants;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * An agent that lists a key the server accepts but never answers the signing request: the
 * connect fails within {@code connect-timeout} with {@link Reason#AGENT_UNAVAILABLE}, not
 * a hang and not a generic SSH error.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class AgentSigningTimeoutTests {

	private static final Path PUBLIC_KEY = KeyFixtures.DIRECTORY.resolve("ed25519_openssh.pub");

	@TempDir
	Path temp;

	private final TestSshServer server = TestSshServer.withKeysOnly("alice").authorize(PUBLIC_KEY).start();

	private final CountDownLatch stop = new CountDownLatch(1);

	@AfterEach
	void close() {
		this.stop.countDown();
		this.server.close();
	}

	@Test
	void agentThatNeverSignsFailsWithinConnectTimeout() throws Exception {
		Path socket = startAgentThatNeverSigns();
		TunnelSettings settings = TunnelSettings.builder("127.0.0.1")
			.port(this.server.port())
			.username("alice")
			.hostKey(this.server.hostKeyFingerprint())
			.identityAgent(socket.toString())
			.connectTimeout(Duration.ofSeconds(2))
			.reconnect(false, Duration.ofSeconds(1), Duration.ofSeconds(1))
			.forward(new ForwardSettings("db", "127.0.0.1", 0, "127.0.0.1", 5432))
			.build();
		long start = System.nanoTime();
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> new SshTunnel(settings).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.AGENT_UNAVAILABLE);
				assertThat(ex.getMessage()).startsWith("ssh-agent at " + socket + " did not sign");
				assertThat(ex.getAction()).contains("ssh.tunnel.identity-agent");
			});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
	}

	private Path startAgentThatNeverSigns() throws Exception {
		PublicKey key = PublicKeyEntry.parsePublicKeyEntry(Files.readString(PUBLIC_KEY).trim())
			.resolvePublicKey(null, null, null);
		Path socket = this.temp.resolve("never-signs.sock");
		ServerSocketChannel agent = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		agent.bind(UnixDomainSocketAddress.of(socket));
		Thread thread = new Thread(() -> serve(agent, key), "never-signing-agent");
		thread.setDaemon(true);
		thread.start();
		return socket;
	}

	private void serve(ServerSocketChannel agent, PublicKey key) {
		try (agent; SocketChannel connection = agent.accept()) {
			ByteBuffer length = ByteBuffer.allocate(4);
			readFully(connection, length);
			ByteBuffer request = ByteBuffer.allocate(length.flip().getInt());
			readFully(connection, request);
			if (request.get(0) == SshAgentConstants.SSH2_AGENTC_REQUEST_IDENTITIES) {
				ByteArrayBuffer answer = new ByteArrayBuffer();
				answer.putUInt(0);
				answer.putByte(SshAgentConstants.SSH2_AGENT_IDENTITIES_ANSWER);
				answer.putUInt(1);
				answer.putPublicKey(key);
				answer.putString("listed, never signed");
				int end = answer.wpos();
				answer.wpos(0);
				answer.putUInt(end - 4);
				answer.wpos(end);
				connection.write(ByteBuffer.wrap(answer.array(), 0, end));
			}
			// the signing request is read by nobody and never answered
			this.stop.await(30, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			// the test ended
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void readFully(SocketChannel connection, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			if (connection.read(buffer) < 0) {
				throw new IOException("closed");
			}
		}
	}

}

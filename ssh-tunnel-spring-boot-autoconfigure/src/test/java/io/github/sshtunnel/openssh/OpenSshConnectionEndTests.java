package io.github.sshtunnel.openssh;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a forwarded connection that ends abnormally ends on the other side of a real
 * OpenSSH {@code sshd}: the database connection behind it must end too.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshConnectionEndTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	@BeforeEach
	void start() {
		Peers.requireOpenSsh();
		Peers.requirePostgres();
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
	}

	@AfterEach
	void stop() {
		if (this.sshd != null) {
			this.sshd.close();
		}
	}

	@Test
	void applicationThatResetsItsConnectionLeavesNoPostgresBackend() throws Exception {
		TunnelSettings settings = TunnelSettings.builder("127.0.0.1")
			.port(this.sshd.port())
			.username(this.sshd.user())
			.privateKey(PrivateKeySource.ofPath(KEYS.resolve("ed25519_openssh")))
			.knownHosts(this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false))
			.connectTimeout(Duration.ofSeconds(10))
			.forward(new ForwardSettings("db", "127.0.0.1", 0, "127.0.0.1", 5432))
			.build();
		String application = "reset-" + UUID.randomUUID();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", tunnel.localPort("db")), 5000);
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(startupMessage(application));
			awaitReadyForQuery(new DataInputStream(socket.getInputStream()));
			assertThat(backends(application)).isEqualTo(1);
			// the application drops the connection with a reset, as a pool does with a
			// connection it gave up on, or a process that dies
			socket.setSoLinger(true, 0);
			socket.close();
			// before, sshd kept its end of the channel, and the backend with it, until
			// the session ended
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(backends(application)).as(this.sshd.log()).isZero());
			assertThat(tunnel.state().forward("db").activeConnections()).isZero();
		}
	}

	private static byte[] startupMessage(String application) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		for (String field : new String[] { "user", "postgres", "database", "postgres", "application_name",
				application }) {
			body.writeBytes(field.getBytes(StandardCharsets.UTF_8));
			body.write(0);
		}
		body.write(0);
		// protocol 3.0
		return ByteBuffer.allocate(8 + body.size())
			.putInt(8 + body.size())
			.putInt(196608)
			.put(body.toByteArray())
			.array();
	}

	private static void awaitReadyForQuery(DataInputStream in) throws IOException {
		while (true) {
			int type = in.readUnsignedByte();
			int length = in.readInt();
			in.readNBytes(length - 4);
			if (type == 'Z') {
				return;
			}
			assertThat((char) type).as("PostgreSQL's answer").isNotEqualTo('E');
		}
	}

	private static int backends(String application) throws SQLException {
		try (Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres",
				"postgres", "");
				PreparedStatement count = connection
					.prepareStatement("select count(*) from pg_stat_activity where application_name = ?")) {
			count.setString(1, application);
			try (ResultSet result = count.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

}

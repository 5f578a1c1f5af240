package io.github.sshtunnel.openssh;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.sshd.core.CoreModuleProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.KeyFixtures;
import io.github.sshtunnel.testsupport.OpenSshServer;
import io.github.sshtunnel.testsupport.Peers;
import io.github.sshtunnel.testsupport.TestTcpServer;
import io.github.sshtunnel.testsupport.TrafficSoak;
import io.github.sshtunnel.testsupport.TrafficSoak.Query;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key re-exchanges under production-like load through a real OpenSSH sshd: bulk in both
 * directions on several connections, many small round trips and PostgreSQL queries, all
 * at once, while the server ({@code RekeyLimit 1M 1s}) or the client (MINA's rekey
 * limits) starts a new key exchange after every megabyte or second. Every kind of traffic
 * must keep moving through hundreds of re-exchanges, with exact byte counts and no error.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class OpenSshRekeyTests {

	private static final Path KEYS = KeyFixtures.DIRECTORY;

	@TempDir
	Path temp;

	private OpenSshServer sshd;

	private final TestTcpServer echo = TestTcpServer.echo();

	private final ConcurrentLinkedQueue<Connection> connections = new ConcurrentLinkedQueue<>();

	@BeforeEach
	void requirePeers() {
		Peers.requireOpenSsh();
		Peers.requirePostgres();
	}

	@AfterEach
	void stop() throws Exception {
		for (Connection connection : this.connections) {
			connection.close();
		}
		this.echo.close();
		if (this.sshd != null) {
			this.sshd.close();
		}
	}

	@Test
	void trafficKeepsMovingThroughServerInitiatedReExchanges() throws Exception {
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub"))
			.configure("RekeyLimit 1M 1s")
			.start();
		soak(List.of());
	}

	@Test
	void trafficKeepsMovingThroughClientInitiatedReExchanges() throws Exception {
		this.sshd = new OpenSshServer().authorize(KEYS.resolve("ed25519_openssh.pub")).start();
		SshClientCustomizer frequentRekeys = (client) -> {
			CoreModuleProperties.REKEY_BYTES_LIMIT.set(client, 1024L * 1024);
			CoreModuleProperties.REKEY_TIME_LIMIT.set(client, Duration.ofSeconds(1));
		};
		soak(List.of(frequentRekeys));
	}

	private void soak(List<SshClientCustomizer> customizers) throws Exception {
		Path knownHosts = this.sshd.writeKnownHosts(this.temp.resolve("known_hosts"), "ed25519", false);
		TunnelSettings settings = TunnelSettings.builder("127.0.0.1")
			.port(this.sshd.port())
			.username(this.sshd.user())
			.privateKey(PrivateKeySource.ofPath(KEYS.resolve("ed25519_openssh")))
			.knownHosts(knownHosts)
			.keepalive(Duration.ofSeconds(2), 3)
			.forward(ForwardSettings.of("bulk", this.echo.port()))
			.forward(ForwardSettings.of("small", this.echo.port()))
			.forward(ForwardSettings.of("db", 5432))
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings, customizers).open()) {
			String url = "jdbc:postgresql://127.0.0.1:" + tunnel.localPort("db")
					+ "/postgres?user=postgres&socketTimeout=10&connectTimeout=5";
			ThreadLocal<Connection> connection = ThreadLocal.withInitial(() -> open(url));
			Query selectOne = () -> {
				try (Statement statement = connection.get().createStatement();
						ResultSet result = statement.executeQuery("select 1")) {
					result.next();
					assertThat(result.getInt(1)).isEqualTo(1);
				}
			};
			TrafficSoak.Result result = TrafficSoak.run(tunnel.localPort("bulk"), 3, tunnel.localPort("small"), 6,
					selectOne, 4, TrafficSoak.configuredDuration());
			TrafficSoak.assertCarriedThroughReExchanges(result, tunnel);
			assertThat(result.queries()).isGreaterThan(result.elapsed().toSeconds() * 10);
		}
	}

	private Connection open(String url) {
		try {
			Connection opened = DriverManager.getConnection(url);
			this.connections.add(opened);
			return opened;
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot connect through the tunnel", ex);
		}
	}

}

package io.github.sshtunnel.jdbc;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.net.SocketFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SshTunnelJdbc}, {@link SshTunnelRegistry} and the socket factories'
 * contracts (SQL Server's {@code socketFactoryClass} with a {@code (String)} constructor:
 * no SQL Server here, so the in-process SSH server and an echo target).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelJdbcTests {

	private final TestTcpServer echo = TestTcpServer.echo();

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret");

	@AfterEach
	void stop() {
		this.server.close();
		this.echo.close();
	}

	@Test
	void postgresUrlGetsSocketFactoryAndItsArgument() {
		assertThat(SshTunnelJdbc.url("jdbc:postgresql://db.internal:5432/app", "sshTunnel"))
			.isEqualTo("jdbc:postgresql://db.internal:5432/app?socketFactory=" + SshTunnelSocketFactory.class.getName()
					+ "&socketFactoryArg=sshTunnel");
		assertThat(SshTunnelJdbc.url("jdbc:opengauss://h1:5432,h2:5432/app?sslmode=verify-full", "t"))
			.startsWith("jdbc:opengauss://h1:5432,h2:5432/app?sslmode=verify-full&socketFactory=");
	}

	@Test
	void mariaDbAndMySqlUrlsNameTheTunnelInAnOption() {
		assertThat(SshTunnelJdbc.driverProperties("jdbc:mariadb://db:3306/app", "t"))
			.containsEntry("socketFactory", MariaDbSocketFactory.class.getName())
			.containsEntry(SshTunnelJdbc.TUNNEL_OPTION, "t");
		assertThat(SshTunnelJdbc.driverProperties("jdbc:mysql://db:3306/app", "t"))
			.containsEntry("socketFactory", MySqlSocketFactory.class.getName())
			.containsEntry(SshTunnelJdbc.TUNNEL_OPTION, "t");
	}

	@Test
	void sqlServerUrlGetsSocketFactoryClassInItsOwnSyntax() {
		assertThat(SshTunnelJdbc.url("jdbc:sqlserver://db:1433;databaseName=app", "t"))
			.isEqualTo("jdbc:sqlserver://db:1433;databaseName=app;socketFactoryClass="
					+ SshTunnelSocketFactory.class.getName() + ";socketFactoryConstructorArg=t");
	}

	@Test
	void driverWithoutSocketFactoryIsRejectedNamingTheScheme() {
		assertThat(SshTunnelJdbc.supportsSocketMode("jdbc:oracle:thin:@//db:1521/app")).isFalse();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SshTunnelJdbc.driverProperties("jdbc:oracle:thin:@//db:1521/app", "t"))
			.withMessageContaining("'jdbc:oracle:'")
			.withMessageContaining("port mode");
	}

	@Test
	void unknownTunnelNameIsAClearSocketException() {
		assertThatExceptionOfType(SocketException.class)
			.isThrownBy(() -> new SshTunnelSocketFactory("nowhere").createSocket())
			.withMessageContaining("No SSH tunnel named 'nowhere' is open");
	}

	@Test
	void sqlServerStyleFactoryConnectsThroughTheNamedTunnel() throws Exception {
		this.server.start();
		try (SshTunnel tunnel = new SshTunnel(
				this.server.tunnelSettings().connectTimeout(Duration.ofSeconds(3)).build())
			.open()) {
			SshTunnelRegistry.register("sqlserverTunnel", tunnel);
			try {
				// what the SQL Server driver does with socketFactoryClass and
				// socketFactoryConstructorArg
				SocketFactory factory = (SocketFactory) Class.forName(SshTunnelSocketFactory.class.getName())
					.getConstructor(String.class)
					.newInstance("sqlserverTunnel");
				try (Socket socket = factory.createSocket("localhost", this.echo.port())) {
					assertThat(socket.isConnected()).isTrue();
					socket.setSoTimeout(5000);
					OutputStream out = socket.getOutputStream();
					out.write("ping".getBytes(StandardCharsets.US_ASCII));
					out.flush();
					InputStream in = socket.getInputStream();
					assertThat(new String(in.readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
				}
				try (Socket socket = factory.createSocket(InetAddress.getByName("127.0.0.1"), this.echo.port())) {
					assertThat(socket.getPort()).isEqualTo(this.echo.port());
				}
				assertThat(tunnel.state().forward("datasource").remoteHost()).isEqualTo("localhost");
				assertThat(tunnel.state().forward("datasource-2").remoteHost()).isEqualTo("127.0.0.1");
			}
			finally {
				SshTunnelRegistry.unregister("sqlserverTunnel", tunnel);
			}
		}
	}

}

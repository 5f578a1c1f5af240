package io.github.sshtunnel.sample.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.h2.tools.Server;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.FileSystemUtils;

/**
 * The demo's SSH server (Apache MINA, password login for user {@code demo} with a random
 * password, a fresh EC host key) and H2 database server, both on 127.0.0.1 and random
 * ports. The H2 server serves only the one demo database, created in this JVM with a
 * random password; it creates no database on demand.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class DemoServers implements DisposableBean {

	static final String USERNAME = "demo";

	private static final Log logger = LogFactory.getLog(DemoServers.class);

	private static final String DATABASE_USERNAME = "sa";

	private final Server database;

	private final Connection demoDatabase;

	private final String databaseName;

	private final String databasePassword;

	private final SshServer sshServer;

	private final Path hostKeyDirectory;

	private final String password;

	private final String hostKeyFingerprint;

	private DemoServers(Server database, Connection demoDatabase, String databaseName, SshServer sshServer,
			Path hostKeyDirectory, String password, String databasePassword, String hostKeyFingerprint) {
		this.database = database;
		this.demoDatabase = demoDatabase;
		this.databaseName = databaseName;
		this.sshServer = sshServer;
		this.hostKeyDirectory = hostKeyDirectory;
		this.password = password;
		this.databasePassword = databasePassword;
		this.hostKeyFingerprint = hostKeyFingerprint;
	}

	/**
	 * Start the H2 TCP server and the SSH server.
	 * @return the running servers
	 * @throws IllegalStateException if either server cannot be started
	 */
	static DemoServers start() {
		Server database = null;
		Connection demoDatabase = null;
		SshServer sshServer = null;
		Path hostKeyDirectory = null;
		try {
			// H2 refuses connections from other hosts unless -tcpAllowOthers is given;
			// also
			// listen on loopback only (H2 reads this system property when it binds)
			if (System.getProperty("h2.bindAddress") == null) {
				System.setProperty("h2.bindAddress", "127.0.0.1");
			}
			// no -ifNotExists: clients cannot create databases (and so cannot become
			// their admin and run Java through CREATE ALIAS); the one demo database is
			// created here, in this JVM, with a random password
			String databasePassword = randomPassword();
			String databaseName = "demo-" + Integer.toHexString(new SecureRandom().nextInt());
			demoDatabase = DriverManager.getConnection("jdbc:h2:mem:" + databaseName + ";DB_CLOSE_DELAY=-1",
					DATABASE_USERNAME, databasePassword);
			database = Server.createTcpServer("-tcpPort", "0", "-tcpDaemon").start();
			String password = randomPassword();
			hostKeyDirectory = Files.createTempDirectory("ssh-tunnel-demo-");
			SimpleGeneratorHostKeyProvider hostKeyProvider = new SimpleGeneratorHostKeyProvider(
					hostKeyDirectory.resolve("host_key"));
			hostKeyProvider.setAlgorithm(KeyUtils.EC_ALGORITHM);
			hostKeyProvider.setKeySize(256);
			List<KeyPair> hostKeys = hostKeyProvider.loadKeys(null);
			sshServer = SshServer.setUpDefaultServer();
			sshServer.setHost("127.0.0.1");
			sshServer.setPort(0);
			sshServer.setKeyPairProvider(hostKeyProvider);
			sshServer.setPasswordAuthenticator(
					(username, secret, session) -> USERNAME.equals(username) && matches(password, secret));
			sshServer.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
			sshServer.start();
			return new DemoServers(database, demoDatabase, databaseName, sshServer, hostKeyDirectory, password,
					databasePassword, KeyUtils.getFingerPrint(BuiltinDigests.sha256, hostKeys.get(0).getPublic()));
		}
		catch (IOException | SQLException | RuntimeException ex) {
			stop(database, demoDatabase, sshServer, hostKeyDirectory);
			throw new IllegalStateException("Could not start the demo servers", ex);
		}
	}

	private static String randomPassword() {
		byte[] random = new byte[18];
		new SecureRandom().nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}

	private static boolean matches(String expected, String actual) {
		return actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				actual.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Return the properties that point the tunnel at the demo servers. The host key is
	 * pinned by fingerprint: the demo checks it like a real deployment would.
	 * @return the properties
	 */
	Map<String, Object> tunnelProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("ssh.tunnel.port", sshPort());
		properties.put("ssh.tunnel.username", USERNAME);
		properties.put("ssh.tunnel.password", this.password);
		properties.put("ssh.tunnel.host-key", this.hostKeyFingerprint);
		properties.put("ssh.tunnel.forwards.db.remote-port", databasePort());
		properties.put("demo.database-name", this.databaseName);
		properties.put("spring.datasource.username", DATABASE_USERNAME);
		properties.put("spring.datasource.password", this.databasePassword);
		return properties;
	}

	int sshPort() {
		return this.sshServer.getPort();
	}

	int databasePort() {
		return this.database.getPort();
	}

	String hostKeyFingerprint() {
		return this.hostKeyFingerprint;
	}

	@Override
	public void destroy() {
		stop(this.database, this.demoDatabase, this.sshServer, this.hostKeyDirectory);
		logger.info("Demo servers stopped");
	}

	private static void stop(Server database, Connection demoDatabase, SshServer sshServer, Path hostKeyDirectory) {
		try {
			if (sshServer != null) {
				sshServer.stop(true);
			}
		}
		catch (IOException ex) {
			// stopping immediately closes the sessions and the listener; nothing is left
			// to retry
		}
		finally {
			if (database != null) {
				database.stop();
			}
			if (demoDatabase != null) {
				dropQuietly(demoDatabase);
			}
			if (hostKeyDirectory != null) {
				deleteQuietly(hostKeyDirectory);
			}
		}
	}

	private static void dropQuietly(Connection demoDatabase) {
		try (Connection connection = demoDatabase; Statement statement = connection.createStatement()) {
			statement.execute("SHUTDOWN");
		}
		catch (SQLException ex) {
			// the in-memory database goes with the JVM anyway
		}
	}

	private static void deleteQuietly(Path directory) {
		try {
			FileSystemUtils.deleteRecursively(directory);
		}
		catch (IOException ex) {
			// a throw-away key in the temporary directory
		}
	}

}

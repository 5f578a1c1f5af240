package io.github.sshtunnel.sample.demo;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.AcceptAllForwardingFilter;
import org.h2.tools.Server;

import org.springframework.beans.factory.DisposableBean;

/**
 * The demo's SSH server (Apache MINA, password login for user {@code demo} with a random
 * password) and H2 database server, both on 127.0.0.1 and random ports.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class DemoServers implements DisposableBean {

	private final SshServer sshServer;

	private final Server database;

	private final String password;

	private final String hostKeyFingerprint;

	private DemoServers(SshServer sshServer, Server database, String password, String hostKeyFingerprint) {
		this.sshServer = sshServer;
		this.database = database;
		this.password = password;
		this.hostKeyFingerprint = hostKeyFingerprint;
	}

	static DemoServers start() {
		try {
			Server database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
			byte[] random = new byte[18];
			new SecureRandom().nextBytes(random);
			String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
			KeyPair hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
			SshServer sshServer = SshServer.setUpDefaultServer();
			sshServer.setHost("127.0.0.1");
			sshServer.setPort(0);
			sshServer.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
			sshServer
				.setPasswordAuthenticator((user, secret, session) -> "demo".equals(user) && password.equals(secret));
			sshServer.setForwardingFilter(AcceptAllForwardingFilter.INSTANCE);
			sshServer.start();
			return new DemoServers(sshServer, database, password,
					KeyUtils.getFingerPrint(BuiltinDigests.sha256, hostKey.getPublic()));
		}
		catch (IOException | GeneralSecurityException | SQLException ex) {
			throw new IllegalStateException("Could not start the demo servers", ex);
		}
	}

	/**
	 * Return the properties that point the tunnel at the demo servers. The host key is
	 * pinned by fingerprint: the demo checks it like a real deployment would.
	 * @return the properties
	 */
	Map<String, Object> tunnelProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("ssh.tunnel.port", this.sshServer.getPort());
		properties.put("ssh.tunnel.username", "demo");
		properties.put("ssh.tunnel.password", this.password);
		properties.put("ssh.tunnel.host-key", this.hostKeyFingerprint);
		properties.put("ssh.tunnel.forwards.db.remote-port", this.database.getPort());
		return properties;
	}

	int sshPort() {
		return this.sshServer.getPort();
	}

	int databasePort() {
		return this.database.getPort();
	}

	@Override
	public void destroy() throws IOException {
		this.sshServer.stop(true);
		this.database.stop();
	}

}

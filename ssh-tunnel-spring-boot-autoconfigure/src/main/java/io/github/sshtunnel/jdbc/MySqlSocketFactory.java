package io.github.sshtunnel.jdbc;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;

/**
 * MySQL Connector/J socket factory ({@code socketFactory} property) whose sockets are
 * {@code direct-tcpip} channels of the tunnel named by the connection property
 * {@value SshTunnelJdbc#TUNNEL_OPTION} (the tunnel's name in {@link SshTunnelRegistry},
 * its bean name with the starter). TLS, timeouts and the handshake stay the driver's own
 * ({@link StandardSocketFactory}); only the connection is different, and the host name
 * goes unresolved to the SSH server.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class MySqlSocketFactory extends StandardSocketFactory {

	/**
	 * Create a factory; the driver calls {@link #connect}.
	 */
	public MySqlSocketFactory() {
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends Closeable> T connect(String host, int port, PropertySet properties, int loginTimeout)
			throws IOException {
		String tunnelName = properties.exposeAsProperties().getProperty(SshTunnelJdbc.TUNNEL_OPTION);
		this.host = host;
		this.port = port;
		this.loginTimeoutCountdown = loginTimeout;
		Socket socket = new SshTunnelSocketFactory(tunnelName).createSocket();
		try {
			configureSocket(socket, properties);
			Integer connectTimeout = properties.getIntegerProperty(PropertyKey.connectTimeout).getValue();
			socket.connect(InetSocketAddress.createUnresolved(host, port),
					getRealTimeout((connectTimeout != null) ? connectTimeout : 0));
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
		this.rawSocket = socket;
		this.sslSocket = socket;
		return (T) socket;
	}

}

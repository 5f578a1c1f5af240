package io.github.sshtunnel.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import org.mariadb.jdbc.Configuration;
import org.mariadb.jdbc.util.ConfigurableSocketFactory;

/**
 * MariaDB Connector/J 3.x socket factory ({@code socketFactory} option) whose sockets are
 * {@code direct-tcpip} channels of the tunnel named by the connection option
 * {@value SshTunnelJdbc#TUNNEL_OPTION} (the tunnel's name in {@link SshTunnelRegistry},
 * its bean name with the starter).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class MariaDbSocketFactory extends ConfigurableSocketFactory {

	private volatile String tunnelName;

	/**
	 * Create a factory; the driver configures it through
	 * {@link #setConfiguration(Configuration, String)}.
	 */
	public MariaDbSocketFactory() {
	}

	@Override
	public void setConfiguration(Configuration configuration, String host) {
		this.tunnelName = configuration.nonMappedOptions().getProperty(SshTunnelJdbc.TUNNEL_OPTION);
	}

	private SshTunnelSocketFactory delegate() {
		return new SshTunnelSocketFactory(this.tunnelName);
	}

	@Override
	public Socket createSocket() throws IOException {
		return delegate().createSocket();
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return delegate().createSocket(host, port);
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return delegate().createSocket(host, port);
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		return delegate().createSocket(host, port);
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return delegate().createSocket(address, port);
	}

}

package io.github.sshtunnel.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

import javax.net.SocketFactory;

import io.github.sshtunnel.core.SshTunnel;

/**
 * A {@link SocketFactory} whose sockets are {@code direct-tcpip} channels of a named
 * tunnel (see {@link SshTunnel#createSocket()}): for pgjdbc and the openGauss driver
 * ({@code socketFactory} and {@code socketFactoryArg}) and for Microsoft SQL Server
 * ({@code socketFactoryClass} and {@code socketFactoryConstructorArg}). The argument is
 * the tunnel's name in {@link SshTunnelRegistry}, its bean name with the starter.
 * <p>
 * Host names are passed unresolved to the SSH server, which resolves them.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelSocketFactory extends SocketFactory {

	private final String tunnelName;

	/**
	 * Create a factory for the tunnel of the given name.
	 * @param tunnelName the tunnel's name in {@link SshTunnelRegistry}
	 */
	public SshTunnelSocketFactory(String tunnelName) {
		this.tunnelName = tunnelName;
	}

	@Override
	public Socket createSocket() throws IOException {
		return SshTunnelRegistry.get(this.tunnelName).createSocket();
	}

	@Override
	public Socket createSocket(String host, int port) throws IOException {
		return connected(InetSocketAddress.createUnresolved(host, port));
	}

	@Override
	public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
		return createSocket(host, port);
	}

	@Override
	public Socket createSocket(InetAddress host, int port) throws IOException {
		// the name the address was created with, or its literal: no reverse lookup
		return connected(InetSocketAddress.createUnresolved(new InetSocketAddress(host, port).getHostString(), port));
	}

	@Override
	public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
			throws IOException {
		return createSocket(address, port);
	}

	private Socket connected(InetSocketAddress target) throws IOException {
		Socket socket = createSocket();
		try {
			// bounded by the tunnel's connect-timeout
			socket.connect(target, 0);
			return socket;
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
	}

}

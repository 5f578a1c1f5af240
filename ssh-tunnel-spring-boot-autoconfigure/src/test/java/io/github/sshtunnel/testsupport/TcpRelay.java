package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 between a client and a server, that can freeze: while paused
 * it passes no bytes in either direction but keeps both sockets open, as a dead link or a
 * stateful firewall that dropped the flow would.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TcpRelay implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final int targetPort;

	private final Object pauseMonitor = new Object();

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile boolean paused;

	private volatile boolean closed;

	/**
	 * Relay a free local port to the given port on 127.0.0.1.
	 * @param targetPort the port to relay to
	 */
	public TcpRelay(int targetPort) {
		this.targetPort = targetPort;
		try {
			this.serverSocket = new ServerSocket();
			this.serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		daemon(this::accept, "tcp-relay-accept").start();
	}

	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Stop passing bytes; sockets stay open.
	 */
	public void pause() {
		this.paused = true;
	}

	/**
	 * Pass bytes again.
	 */
	public void resume() {
		synchronized (this.pauseMonitor) {
			this.paused = false;
			this.pauseMonitor.notifyAll();
		}
	}

	/**
	 * Close every relayed connection (both sides see a reset or EOF), keep listening.
	 */
	public void dropConnections() {
		this.sockets.forEach(TcpRelay::closeQuietly);
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.serverSocket.accept();
				Socket server = new Socket();
				server.connect(new InetSocketAddress("127.0.0.1", this.targetPort), 5000);
				this.sockets.add(client);
				this.sockets.add(server);
				daemon(() -> pump(client, server), "tcp-relay-up").start();
				daemon(() -> pump(server, client), "tcp-relay-down").start();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
			}
		}
	}

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			int read;
			while (true) {
				awaitResumed();
				read = in.read(buffer);
				if (read == -1) {
					break;
				}
				awaitResumed();
				out.write(buffer, 0, read);
			}
			to.shutdownOutput();
		}
		catch (IOException | InterruptedException ex) {
			closeQuietly(from);
			closeQuietly(to);
		}
	}

	private void awaitResumed() throws InterruptedException {
		synchronized (this.pauseMonitor) {
			while (this.paused && !this.closed) {
				this.pauseMonitor.wait(1000);
			}
		}
	}

	@Override
	public void close() {
		this.closed = true;
		resume();
		closeQuietly(this.serverSocket);
		dropConnections();
	}

	private static Thread daemon(Runnable runnable, String name) {
		Thread thread = new Thread(runnable, name);
		thread.setDaemon(true);
		return thread;
	}

	private static void closeQuietly(java.io.Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
	}

}

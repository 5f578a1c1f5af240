package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A target service on 127.0.0.1 for tests: it answers every byte it reads with the same
 * byte written {@code factor} times (1: an echo), until the client closes its side.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TestTcpServer implements AutoCloseable {

	private final ServerSocket serverSocket;

	private final int factor;

	private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

	private volatile boolean closed;

	private TestTcpServer(int factor) {
		this.factor = factor;
		try {
			this.serverSocket = new ServerSocket();
			this.serverSocket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread acceptor = new Thread(this::accept, "test-tcp-server-" + port());
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * An echo server.
	 * @return the running server
	 */
	public static TestTcpServer echo() {
		return new TestTcpServer(1);
	}

	/**
	 * A server that writes back every byte twice, so that the two directions carry
	 * different byte counts.
	 * @return the running server
	 */
	public static TestTcpServer doubling() {
		return new TestTcpServer(2);
	}

	public int port() {
		return this.serverSocket.getLocalPort();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket socket = this.serverSocket.accept();
				this.sockets.add(socket);
				Thread handler = new Thread(() -> serve(socket), "test-tcp-server-connection");
				handler.setDaemon(true);
				handler.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			byte[] buffer = new byte[8192];
			byte[] answer = new byte[buffer.length * this.factor];
			int read;
			while ((read = in.read(buffer)) != -1) {
				for (int i = 0; i < read; i++) {
					for (int copy = 0; copy < this.factor; copy++) {
						answer[i * this.factor + copy] = buffer[i];
					}
				}
				out.write(answer, 0, read * this.factor);
				out.flush();
			}
			socket.shutdownOutput();
		}
		catch (IOException ex) {
			// the client went away
		}
		finally {
			this.sockets.remove(socket);
		}
	}

	/**
	 * Open a connection to a port, send the text, close the sending side and read the
	 * whole answer (bounded by a 10 s read timeout).
	 * @param port the port to connect to
	 * @param text the text to send
	 * @return the answer
	 * @throws IOException on connection failure
	 */
	public static String exchange(int port, String text) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(10000);
			socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
			socket.shutdownOutput();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	/**
	 * Accept one connection on a listening socket and wait for its end (EOF or reset),
	 * reading and dropping what comes; at most 30 s.
	 * @param target the listening socket
	 * @return nothing, to run as a {@link java.util.concurrent.Callable}
	 * @throws IOException if the accept fails, or the connection does not end in time
	 * ({@link java.net.SocketTimeoutException})
	 */
	public static Void awaitOneConnectionEnd(ServerSocket target) throws IOException {
		try (Socket accepted = target.accept()) {
			accepted.setSoTimeout(30_000);
			InputStream in = accepted.getInputStream();
			while (in.read() >= 0) {
				// until the end
			}
		}
		catch (SocketException ex) {
			// a reset ends it too
		}
		return null;
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.serverSocket.close();
		}
		catch (IOException ex) {
			// closed anyway
		}
		for (Socket socket : this.sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closed anyway
			}
		}
	}

}

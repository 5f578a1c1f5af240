package io.github.sshtunnel.core.channel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;

/**
 * Application to target: writes go out through the channel at once; a write waits
 * (bounded by MINA's window timeout) while the SSH window is full or a key exchange runs,
 * on the application's thread. Counts the bytes written.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ChannelSocketOutput extends OutputStream {

	private final ChannelSocket socket;

	private final OutputStream channel;

	private final ChannelRoute route;

	ChannelSocketOutput(ChannelSocket socket, OutputStream channel, ChannelRoute route) {
		this.socket = socket;
		this.channel = channel;
		this.route = route;
	}

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] buffer, int offset, int length) throws IOException {
		check();
		this.channel.write(buffer, offset, length);
		this.route.outbound(length);
	}

	@Override
	public void flush() throws IOException {
		check();
		this.channel.flush();
	}

	private void check() throws SocketException {
		if (this.socket.isClosed()) {
			throw new SocketException("Socket is closed");
		}
		if (this.socket.isOutputShutdown()) {
			throw new SocketException("Socket output is shutdown");
		}
	}

	@Override
	public void close() {
		this.socket.close();
	}

}

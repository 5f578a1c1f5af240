package io.github.sshtunnel.core.channel;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import org.apache.sshd.common.channel.ChannelPipedInputStream;

/**
 * Target to application: reads what the channel received, honouring the socket's read
 * timeout (a {@link SocketTimeoutException}, after which the stream stays usable), and
 * counts the bytes read. The SSH window opens again as the application reads, so a slow
 * reader throttles the target.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ChannelSocketInput extends InputStream {

	private final ChannelSocket socket;

	private final ChannelPipedInputStream pipe;

	private final ChannelRoute route;

	ChannelSocketInput(ChannelSocket socket, ChannelPipedInputStream pipe, ChannelRoute route) {
		this.socket = socket;
		this.pipe = pipe;
		this.route = route;
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		int read = read(one, 0, 1);
		return (read < 0) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] buffer, int offset, int length) throws IOException {
		if (this.socket.isClosed()) {
			throw new SocketException("Socket is closed");
		}
		if (this.socket.inputShutdownFlag()) {
			return -1;
		}
		int timeout = this.socket.soTimeoutMillis();
		this.pipe.setTimeout(timeout);
		long start = System.nanoTime();
		int read;
		try {
			read = this.pipe.read(buffer, offset, length);
		}
		catch (SocketException ex) {
			// MINA's pipe reports its timeout as a plain SocketException
			if (timeout > 0 && !this.socket.isClosed() && (System.nanoTime() - start) / 1_000_000 >= timeout) {
				throw new SocketTimeoutException("Read timed out after " + timeout + " ms");
			}
			throw ex;
		}
		catch (IOException ex) {
			if (this.socket.isClosed()) {
				throw new SocketException("Socket is closed");
			}
			throw ex;
		}
		if (read > 0) {
			this.route.inbound(read);
		}
		return read;
	}

	@Override
	public int available() throws IOException {
		// never negative (MINA's pipe answers -1 once the target's EOF came and the pipe
		// is empty), and 0 after shutdownInput, when read answers -1 whatever the pipe
		// holds: callers that skip what is available until nothing is (SSLSocket's close
		// does) would loop for ever otherwise
		if (this.socket.isClosed() || this.socket.inputShutdownFlag()) {
			return 0;
		}
		return Math.max(0, this.pipe.available());
	}

	@Override
	public void close() {
		this.socket.close();
	}

}

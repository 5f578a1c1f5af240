package io.github.sshtunnel.core.forward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * Application to target: bytes read from the local socket into one of two buffers and
 * written to the channel; the next read overlaps that write, and reading pauses only
 * while both buffers wait for the channel (so the SSH window throttles the application).
 * Each buffer is reused only after the operation that used it completed; a chunk is
 * counted when the channel took it.
 * <p>
 * The buffers are SSH packets made by the session, and a read from the local socket lands
 * where a {@code SSH_MSG_CHANNEL_DATA} packet's data goes, at most one packet of the
 * peer's size at a time. MINA's channel stream then writes the header in front of the
 * data and encrypts the packet in place, instead of copying each chunk into a new buffer
 * and then each packet into another one (see docs/performance.md).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class OutboundPump {

	/**
	 * Where the data of a {@code SSH_MSG_CHANNEL_DATA} packet starts: the packet header
	 * (length and padding length), the message code, the recipient channel and the data
	 * length.
	 */
	static final int DATA_OFFSET = SshConstants.SSH_PACKET_HEADER_LEN + 1 + Integer.BYTES + Integer.BYTES;

	private final ForwardedConnection connection;

	private final int bufferSize;

	private final Buffer[] buffers = new Buffer[2];

	private final Object lock = new Object();

	private int chunkSize;

	private Buffer pendingChunk;

	private boolean writing;

	private boolean localEof;

	OutboundPump(ForwardedConnection connection, int bufferSize) {
		this.connection = connection;
		this.bufferSize = bufferSize;
	}

	void start() {
		Channel channel = this.connection.channel();
		// one packet of the peer's maximum size (OpenSSH: 32 KiB), so that a chunk is
		// never split; a smaller window falls back to MINA's copying path by itself
		this.chunkSize = (int) Math.max(1, Math.min(this.bufferSize, channel.getRemoteWindow().getPacketSize()));
		for (int i = 0; i < this.buffers.length; i++) {
			this.buffers[i] = channel.getSession()
				.createBuffer(SshConstants.SSH_MSG_CHANNEL_DATA, DATA_OFFSET + this.chunkSize);
		}
		readLocal(this.buffers[0]);
	}

	private void readLocal(Buffer packet) {
		// the array again each time: encoding may have grown it
		ByteBuffer target = ByteBuffer.wrap(packet.array(), DATA_OFFSET, this.chunkSize);
		try {
			this.connection.socket().read(target, null, new CompletionHandler<Integer, Void>() {

				@Override
				public void completed(Integer read, Void attachment) {
					chunkRead(packet, read);
				}

				@Override
				public void failed(Throwable ex, Void attachment) {
					OutboundPump.this.connection.abort();
				}

			});
		}
		catch (RuntimeException ex) {
			this.connection.abort();
		}
	}

	private void chunkRead(Buffer packet, int read) {
		boolean write = false;
		boolean end = false;
		synchronized (this.lock) {
			if (read < 0) {
				this.localEof = true;
				end = !this.writing;
			}
			else {
				packet.rpos(DATA_OFFSET);
				packet.wpos(DATA_OFFSET + read);
				if (this.writing) {
					// both buffers are busy: stop reading until the channel took a chunk
					this.pendingChunk = packet;
				}
				else {
					this.writing = true;
					write = true;
				}
			}
		}
		if (end) {
			localEnded();
		}
		else if (write) {
			writeRemote(packet);
			readLocal(other(packet));
		}
	}

	private void writeRemote(Buffer packet) {
		int length = packet.available();
		try {
			IoWriteFuture write = this.connection.channel().getAsyncIn().writeBuffer(packet);
			write.addListener((future) -> {
				if (future.isWritten()) {
					this.connection.counters().outbound(length);
					chunkWritten(packet);
				}
				else {
					this.connection.abort();
				}
			});
		}
		catch (IOException | RuntimeException ex) {
			this.connection.abort();
		}
	}

	private void chunkWritten(Buffer written) {
		Buffer next;
		boolean end = false;
		synchronized (this.lock) {
			next = this.pendingChunk;
			this.pendingChunk = null;
			if (next == null) {
				this.writing = false;
				end = this.localEof;
			}
		}
		if (next != null) {
			writeRemote(next);
			// reading had stopped while both buffers were busy: resume into the free one
			readLocal(written);
		}
		else if (end) {
			localEnded();
		}
	}

	private Buffer other(Buffer packet) {
		return (packet == this.buffers[0]) ? this.buffers[1] : this.buffers[0];
	}

	private void localEnded() {
		// the application closed its side and every chunk is written: send EOF, keep
		// reading the answer
		try {
			this.connection.channel().getAsyncIn().close(false);
		}
		catch (RuntimeException ex) {
			this.connection.abort();
			return;
		}
		this.connection.outboundEnded();
	}

}

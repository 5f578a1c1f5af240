package io.github.sshtunnel.core.forward;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;

import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import io.github.sshtunnel.core.io.ReadCycle;

/**
 * Target to application: bytes read from the channel are written to the local socket; the
 * next channel read (which opens the SSH window again) starts when the socket took them,
 * so a slow application throttles the target. A chunk is counted when the socket took it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class InboundPump {

	private final ForwardedConnection connection;

	private final ByteArrayBuffer buffer;

	InboundPump(ForwardedConnection connection, int bufferSize) {
		this.connection = connection;
		this.buffer = new ByteArrayBuffer(new byte[bufferSize], 0, 0, false);
	}

	void start() {
		readRemote();
	}

	private void readRemote() {
		this.buffer.clear(false);
		try {
			IoReadFuture read = this.connection.channel().getAsyncOut().read(this.buffer);
			read.addListener((future) -> {
				int length;
				try {
					length = future.getRead();
				}
				catch (RuntimeException ex) {
					this.connection.abort();
					return;
				}
				if (length < 0) {
					remoteEnded();
				}
				else {
					// after the rest of this SSH read is decoded: the packets that came
					// with it wait in the channel and go with the next local write
					ReadCycle.defer(
							() -> writeLocal(ByteBuffer.wrap(this.buffer.array(), this.buffer.rpos(), length), length));
				}
			});
		}
		catch (RuntimeException ex) {
			this.connection.abort();
		}
	}

	private void writeLocal(ByteBuffer data, int length) {
		try {
			this.connection.socket().write(data, null, new CompletionHandler<Integer, Void>() {

				@Override
				public void completed(Integer written, Void attachment) {
					if (data.hasRemaining()) {
						writeLocal(data, length);
					}
					else {
						InboundPump.this.connection.counters().inbound(length);
						readRemote();
					}
				}

				@Override
				public void failed(Throwable ex, Void attachment) {
					InboundPump.this.connection.abort();
				}

			});
		}
		catch (RuntimeException ex) {
			this.connection.abort();
		}
	}

	private void remoteEnded() {
		// the target closed its side: pass the EOF on to the application
		try {
			if (this.connection.socket().isOpen()) {
				this.connection.socket().shutdownOutput();
			}
		}
		catch (IOException ex) {
			this.connection.abort();
			return;
		}
		this.connection.inboundEnded();
	}

}

package io.github.sshtunnel.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/**
 * One local connection carried through a {@code direct-tcpip} channel: one thread copies
 * application bytes to the channel, another copies the target's bytes back. Half-close is
 * passed on in both directions (EOF), as {@code ssh -L} does.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ForwardedConnection {

	private static final int BUFFER_SIZE = 32 * 1024;

	private final LocalForward forward;

	private final ClientSession session;

	private final Socket socket;

	private final Duration openTimeout;

	private final AtomicBoolean finished = new AtomicBoolean();

	private volatile ChannelDirectTcpip channel;

	private volatile boolean outboundDone;

	private volatile boolean inboundDone;

	private volatile boolean channelClosed;

	ForwardedConnection(LocalForward forward, ClientSession session, Socket socket, Duration openTimeout) {
		this.forward = forward;
		this.session = session;
		this.socket = socket;
		this.openTimeout = openTimeout;
	}

	void run(ExecutorService executor) {
		ForwardSettings settings = this.forward.settings();
		try {
			this.socket.setTcpNoDelay(true);
			InetSocketAddress origin = (InetSocketAddress) this.socket.getRemoteSocketAddress();
			this.channel = this.session.createDirectTcpipChannel(
					new SshdSocketAddress(origin.getAddress().getHostAddress(), origin.getPort()),
					new SshdSocketAddress(settings.remoteHost(), settings.remotePort()));
			this.channel.open().verify(this.openTimeout);
		}
		catch (IOException | RuntimeException ex) {
			this.forward.failed(ex);
			abort();
			return;
		}
		this.channel.addCloseFutureListener((future) -> {
			this.channelClosed = true;
			finishIfDone();
		});
		this.forward.opened(this);
		try {
			executor.execute(this::pumpInbound);
		}
		catch (RejectedExecutionException ex) {
			abort();
			return;
		}
		pumpOutbound();
	}

	private void pumpOutbound() {
		byte[] buffer = new byte[BUFFER_SIZE];
		try {
			InputStream in = this.socket.getInputStream();
			OutputStream out = this.channel.getInvertedIn();
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				out.flush();
				this.forward.bytesOutbound.add(read);
			}
			// the application closed its side: send EOF, keep reading the answer
			out.close();
			this.outboundDone = true;
			finishIfDone();
		}
		catch (IOException | RuntimeException ex) {
			abort();
		}
	}

	private void pumpInbound() {
		byte[] buffer = new byte[BUFFER_SIZE];
		try {
			InputStream in = this.channel.getInvertedOut();
			OutputStream out = this.socket.getOutputStream();
			int read;
			while ((read = in.read(buffer)) != -1) {
				out.write(buffer, 0, read);
				this.forward.bytesInbound.add(read);
			}
			// the target closed its side: pass the EOF on to the application
			if (!this.socket.isClosed()) {
				this.socket.shutdownOutput();
			}
			this.inboundDone = true;
			finishIfDone();
		}
		catch (IOException | RuntimeException ex) {
			abort();
		}
	}

	private void finishIfDone() {
		if (this.inboundDone && (this.outboundDone || this.channelClosed)) {
			finish(false);
		}
	}

	/**
	 * Drop the connection at once, in both directions.
	 */
	void abort() {
		finish(true);
	}

	private void finish(boolean immediately) {
		if (!this.finished.compareAndSet(false, true)) {
			return;
		}
		LocalForward.closeQuietly(this.socket);
		ChannelDirectTcpip current = this.channel;
		if (current != null) {
			current.close(immediately);
		}
		this.forward.finished(this);
	}

}

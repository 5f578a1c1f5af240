package io.github.sshtunnel.core.client;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousSocketChannel;
import java.util.concurrent.ExecutorService;

import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2CompletionHandler;
import org.apache.sshd.common.io.nio2.Nio2Connector;
import org.apache.sshd.common.io.nio2.Nio2Service;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Session;
import org.apache.sshd.common.session.helpers.AbstractSessionIoHandler;
import org.apache.sshd.common.util.Readable;

import io.github.sshtunnel.core.io.ReadCycle;

/**
 * MINA's NIO2 back-end with these changes: the SSH socket runs in the tunnel's own
 * channel group (so that forwarding a chunk from one socket to the other needs no thread
 * hand-over); after every read of it the kernel is asked to acknowledge at once
 * ({@code TCP_QUICKACK}, Linux); each read is one {@link ReadCycle}, so that what it
 * brought a forwarded connection is written to the local socket once, after the read's
 * last packet is decoded; and each read reaches MINA's decoder in {@link SlicedReads
 * slices}, so that the decoder does not move the rest of a large read after every packet.
 * <p>
 * Why: {@code sshd} keeps Nagle's algorithm on for a forwarding-only client (it turns it
 * off only for a pty). When several forwarded connections share the session, sshd often
 * has a small packet ready while an earlier one is not acknowledged yet, and Nagle holds
 * it until the acknowledgement arrives, which the client's kernel delays by up to 40 ms.
 * Acknowledging at once removes that wait; it costs one {@code setsockopt} per read and a
 * few more empty ACK segments. Where the option is not supported, nothing changes.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TunnelIoServiceFactoryFactory extends Nio2ServiceFactoryFactory {

	private static final SocketOption<Boolean> QUICK_ACK = quickAckOption();

	private final AsynchronousChannelGroup group;

	private final ExecutorService resumeTasks;

	/**
	 * Run the SSH socket in the given channel group, the one of the tunnel's local
	 * sockets: a completion on one side then runs the other side's next step on the same
	 * thread instead of waking another one.
	 * @param group the channel group
	 * @param resumeTasks runs MINA's short tasks that resume a suspended read
	 */
	public TunnelIoServiceFactoryFactory(AsynchronousChannelGroup group, ExecutorService resumeTasks) {
		this.group = group;
		this.resumeTasks = resumeTasks;
	}

	@Override
	public IoServiceFactory create(FactoryManager manager) {
		return new Nio2ServiceFactory(manager, newExecutor(), newExecutor()) {

			@Override
			public IoConnector createConnector(IoHandler handler) {
				return autowireCreatedService(new Nio2Connector(this, manager, handler,
						TunnelIoServiceFactoryFactory.this.group, TunnelIoServiceFactoryFactory.this.resumeTasks));
			}

			@Override
			public Nio2Session createSession(Nio2Service service, IoHandler handler, AsynchronousSocketChannel socket,
					SocketAddress address) throws Throwable {
				boolean quickAck = QUICK_ACK != null && socket.supportedOptions().contains(QUICK_ACK);
				// slices for MINA's SSH decoder only: a jump host's local forward sends
				// each read of its sockets on as channel data
				IoHandler reads = (handler instanceof AbstractSessionIoHandler) ? new SlicedReads(handler) : handler;
				return new TunnelSession(service, manager, reads, socket, address, quickAck);
			}

		};
	}

	@SuppressWarnings("unchecked")
	private static SocketOption<Boolean> quickAckOption() {
		try {
			Class<?> options = Class.forName("jdk.net.ExtendedSocketOptions");
			return (SocketOption<Boolean>) options.getField("TCP_QUICKACK").get(null);
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return null;
		}
	}

	/**
	 * The SSH socket's session: quick ACKs after every read where the kernel has them,
	 * and each read handled as one {@link ReadCycle}.
	 */
	private static final class TunnelSession extends Nio2Session {

		private final boolean quickAck;

		TunnelSession(Nio2Service service, FactoryManager manager, IoHandler handler, AsynchronousSocketChannel socket,
				SocketAddress address, boolean quickAck) throws IOException {
			super(service, manager, handler, socket, address);
			this.quickAck = quickAck;
		}

		@Override
		protected void handleReadCycleCompletion(ByteBuffer buffer, Readable bufReader,
				Nio2CompletionHandler<Integer, Object> completionHandler, Integer result, Object attachment) {
			if (this.quickAck && result > 0) {
				try {
					getSocket().setOption(QUICK_ACK, true);
				}
				catch (IOException | RuntimeException ex) {
					// an optimisation only: the session works without it
				}
			}
			ReadCycle.begin();
			try {
				super.handleReadCycleCompletion(buffer, bufReader, completionHandler, result, attachment);
			}
			finally {
				ReadCycle.end();
			}
		}

		@Override
		protected void doReadCycle(ByteBuffer buffer, Nio2CompletionHandler<Integer, Object> completion) {
			// every packet of the last read is decoded: what waited for that goes now,
			// before the next read, which may complete on this thread at once
			ReadCycle.flush();
			super.doReadCycle(buffer, completion);
		}

	}

}

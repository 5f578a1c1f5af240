package io.github.sshtunnel.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tunnel's own event loop, through the JDK's asynchronous socket API only, as MINA
 * and the forwards use it, against plain blocking sockets on loopback.
 */
class EventLoopTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private EventLoop loop;

	@BeforeEach
	void startLoop() throws IOException {
		this.loop = EventLoop.start(Executors.defaultThreadFactory());
	}

	@AfterEach
	void stopLoop() throws Exception {
		this.loop.shutdownNow();
		assertThat(this.loop.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void socketsOfTheLoopAreOpenedThroughTheJdksFactoryMethods() throws IOException {
		try (AsynchronousSocketChannel socket = AsynchronousSocketChannel.open(this.loop)) {
			assertThat(socket).isInstanceOf(LoopSocket.class);
			assertThat(socket.provider()).isSameAs(this.loop.provider());
		}
	}

	@Test
	void smallAndLargeWritesArriveInOrderAndIntact() throws Exception {
		try (ServerSocket server = listen();
				AsynchronousSocketChannel socket = connect(server);
				Socket peer = server.accept()) {
			byte[] expected = new byte[3 * 1024 * 1024];
			new Random(42).nextBytes(expected);
			CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(peer));
			// sizes below and above the copy limit, as SSH packets come: each write is
			// issued from the last one's completion, as MINA's write queue does
			int[] sizes = { 52, 1, LoopSocket.COPY_LIMIT, LoopSocket.COPY_LIMIT + 1, 32 * 1024 + 64, 300, 200 * 1024 };
			CompletableFuture<Void> written = new CompletableFuture<>();
			writeChunks(socket, expected, 0, sizes, 0, written);
			written.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			socket.shutdownOutput();
			assertThat(received.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(expected);
		}
	}

	@Test
	void aSmallWriteThatCompletedReachesThePeerBeforeTheEndOfOutputAndBeforeClose() throws Exception {
		try (ServerSocket server = listen()) {
			AsynchronousSocketChannel socket = connect(server);
			Socket peer = server.accept();
			byte[] data = "SSH_MSG_DISCONNECT".getBytes();
			assertThat(socket.write(ByteBuffer.wrap(data)).get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.isEqualTo(data.length);
			// the write completed from the copy: the end of output must still come after
			// it
			socket.shutdownOutput();
			assertThat(readAll(peer)).isEqualTo(data);

			AsynchronousSocketChannel second = connect(server);
			Socket secondPeer = server.accept();
			assertThat(second.write(ByteBuffer.wrap(data)).get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.isEqualTo(data.length);
			second.close();
			assertThat(readAll(secondPeer)).isEqualTo(data);
			peer.close();
			secondPeer.close();
			socket.close();
		}
	}

	@Test
	void outputThatWasReportedWrittenIsDeliveredWhenThePeerReadsOnlyAfterTheClose() throws Exception {
		try (ServerSocket server = listen()) {
			AsynchronousSocketChannel socket = connect(server);
			Socket peer = server.accept();
			// the peer does not read yet: the kernel takes only part of a large write
			byte[] large = new byte[32 * 1024 * 1024];
			new Random(3).nextBytes(large);
			int took = socket.write(ByteBuffer.wrap(large)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(took).isBetween(1, large.length - 1);
			// a small write is copied and reported written before the socket can take it
			byte[] last = "last words".getBytes();
			assertThat(socket.write(ByteBuffer.wrap(last)).get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.isEqualTo(last.length);
			socket.close();
			assertThat(socket.isOpen()).isFalse();
			byte[] received = readAll(peer);
			byte[] expected = Arrays.copyOf(large, took + last.length);
			System.arraycopy(last, 0, expected, took, last.length);
			assertThat(received).isEqualTo(expected);
			peer.close();
		}
	}

	@Test
	void readsGetWhatThePeerSendsAndMinusOneAtItsEnd() throws Exception {
		try (ServerSocket server = listen();
				AsynchronousSocketChannel socket = connect(server);
				Socket peer = server.accept()) {
			byte[] sent = new byte[100_000];
			new Random(7).nextBytes(sent);
			peer.getOutputStream().write(sent);
			peer.shutdownOutput();
			ByteArrayOutputStream got = new ByteArrayOutputStream();
			ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
			while (true) {
				buffer.clear();
				int read = socket.read(buffer).get(WAIT.toSeconds(), TimeUnit.SECONDS);
				if (read < 0) {
					break;
				}
				got.write(buffer.array(), 0, read);
			}
			assertThat(got.toByteArray()).isEqualTo(sent);
		}
	}

	@Test
	void readsIntoHeapDirectAndSeveralBuffersGetEveryByteInOrder() throws Exception {
		try (ServerSocket server = listen();
				AsynchronousSocketChannel socket = connect(server);
				Socket peer = server.accept()) {
			byte[] sent = new byte[3 * 1024 * 1024];
			new Random(11).nextBytes(sent);
			CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
				try {
					peer.getOutputStream().write(sent);
					peer.shutdownOutput();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			ByteArrayOutputStream got = new ByteArrayOutputStream();
			// larger than the loop's read buffer, and filled from a position after the
			// start
			ByteBuffer heap = ByteBuffer.allocate(EventLoop.READ_BUFFER_SIZE + 44_000);
			ByteBuffer direct = ByteBuffer.allocateDirect(20_000);
			ByteBuffer[] several = { ByteBuffer.allocate(7_000), ByteBuffer.allocate(9_000) };
			for (int round = 0; got.size() < sent.length && round < 100_000; round++) {
				int read;
				switch (round % 3) {
					case 0 -> {
						heap.clear().position(5);
						read = socket.read(heap).get(WAIT.toSeconds(), TimeUnit.SECONDS);
						got.write(heap.array(), 5, Math.max(read, 0));
					}
					case 1 -> {
						direct.clear();
						read = socket.read(direct).get(WAIT.toSeconds(), TimeUnit.SECONDS);
						byte[] bytes = new byte[Math.max(read, 0)];
						direct.flip().get(bytes);
						got.write(bytes);
					}
					default -> {
						several[0].clear();
						several[1].clear();
						CompletableFuture<Long> reading = new CompletableFuture<>();
						socket.read(several, 0, 2, 0, TimeUnit.MILLISECONDS, null, handler(reading));
						read = (int) (long) reading.get(WAIT.toSeconds(), TimeUnit.SECONDS);
						got.write(several[0].array(), 0, several[0].position());
						got.write(several[1].array(), 0, several[1].position());
					}
				}
				assertThat(read).isNotNegative();
			}
			sending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(got.toByteArray()).isEqualTo(sent);
			assertThat(socket.read(heap.clear()).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(-1);
		}
	}

	@Test
	void aReadIntoAReadOnlyBufferIsRefused() throws Exception {
		try (ServerSocket server = listen();
				AsynchronousSocketChannel socket = connect(server);
				Socket peer = server.accept()) {
			peer.getOutputStream().write(1);
			ByteBuffer readOnly = ByteBuffer.allocate(10).asReadOnlyBuffer();
			assertThatThrownBy(() -> socket.read(readOnly)).isInstanceOf(IllegalArgumentException.class);
			ByteBuffer[] several = { ByteBuffer.allocate(10), readOnly };
			assertThatThrownBy(() -> socket.read(several, 0, 2, 0, TimeUnit.MILLISECONDS, null,
					handler(new CompletableFuture<Long>())))
				.isInstanceOf(IllegalArgumentException.class);
			// the socket is still usable
			assertThat(socket.read(ByteBuffer.allocate(10)).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1);
		}
	}

	@Test
	void aReadWithATimeOutFailsWhenNothingCame() throws Exception {
		try (ServerSocket server = listen();
				AsynchronousSocketChannel socket = connect(server);
				Socket peer = server.accept()) {
			CompletableFuture<Integer> read = new CompletableFuture<>();
			socket.read(ByteBuffer.allocate(10), 200, TimeUnit.MILLISECONDS, null, handler(read));
			assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.hasCauseInstanceOf(InterruptedByTimeoutException.class);
		}
	}

	@Test
	void aWriteTheSocketCannotTakeTimesOut() throws Exception {
		try (ServerSocket server = listen();
				AsynchronousSocketChannel socket = connect(server);
				Socket peer = server.accept()) {
			// the peer never reads: its buffers fill and then a write has to wait
			ByteBuffer large = ByteBuffer.allocate(4 * 1024 * 1024);
			CompletableFuture<Integer> last = new CompletableFuture<>();
			writeUntilStuck(socket, large, last);
			assertThatThrownBy(() -> last.get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.hasCauseInstanceOf(InterruptedByTimeoutException.class);
		}
	}

	@Test
	void closingFailsTheWaitingReadAndTheSocketIsClosedAtOnce() throws Exception {
		try (ServerSocket server = listen()) {
			AsynchronousSocketChannel socket = connect(server);
			Socket peer = server.accept();
			CompletableFuture<Integer> read = new CompletableFuture<>();
			socket.read(ByteBuffer.allocate(10), 0, TimeUnit.MILLISECONDS, null, handler(read));
			socket.close();
			assertThat(socket.isOpen()).isFalse();
			assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.hasCauseInstanceOf(AsynchronousCloseException.class);
			assertThat(peer.getInputStream().read()).isEqualTo(-1);
			peer.close();
		}
	}

	@Test
	void acceptedConnectionsAreSocketsOfTheLoop() throws Exception {
		try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open(this.loop)) {
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			CompletableFuture<AsynchronousSocketChannel> accepted = new CompletableFuture<>();
			server.accept(null, handler(accepted));
			try (Socket client = new Socket(InetAddress.getLoopbackAddress(),
					((InetSocketAddress) server.getLocalAddress()).getPort())) {
				AsynchronousSocketChannel socket = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
				assertThat(socket).isInstanceOf(LoopSocket.class);
				client.getOutputStream().write(new byte[] { 1, 2, 3 });
				ByteBuffer buffer = ByteBuffer.allocate(3);
				while (buffer.hasRemaining()) {
					assertThat(socket.read(buffer).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isPositive();
				}
				assertThat(buffer.array()).containsExactly(1, 2, 3);
				socket.close();
			}
		}
	}

	@Test
	void aConnectionRefusedFailsTheConnect() throws Exception {
		int port;
		try (ServerSocket closed = listen()) {
			port = closed.getLocalPort();
		}
		try (AsynchronousSocketChannel socket = AsynchronousSocketChannel.open(this.loop)) {
			assertThatThrownBy(() -> socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
				.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
				.hasCauseInstanceOf(IOException.class);
		}
	}

	@Test
	void shutdownNowClosesEverySocketAndEndsTheThread() throws Exception {
		try (ServerSocket server = listen()) {
			AsynchronousSocketChannel socket = connect(server);
			Socket peer = server.accept();
			CompletableFuture<Integer> read = new CompletableFuture<>();
			socket.read(ByteBuffer.allocate(10), 0, TimeUnit.MILLISECONDS, null, handler(read));
			this.loop.shutdownNow();
			assertThat(this.loop.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			assertThat(socket.isOpen()).isFalse();
			assertThatThrownBy(() -> read.get(WAIT.toSeconds(), TimeUnit.SECONDS))
				.hasCauseInstanceOf(AsynchronousCloseException.class);
			assertThat(peer.getInputStream().read()).isEqualTo(-1);
			peer.close();
		}
	}

	private ServerSocket listen() throws IOException {
		return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
	}

	private AsynchronousSocketChannel connect(ServerSocket server) throws Exception {
		AsynchronousSocketChannel socket = AsynchronousSocketChannel.open(this.loop);
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()))
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		return socket;
	}

	private static void writeChunks(AsynchronousSocketChannel socket, byte[] data, int position, int[] sizes, int next,
			CompletableFuture<Void> done) {
		if (position == data.length) {
			done.complete(null);
			return;
		}
		int size = Math.min(sizes[next % sizes.length], data.length - position);
		ByteBuffer chunk = ByteBuffer.wrap(Arrays.copyOfRange(data, position, position + size));
		socket.write(chunk, 30, TimeUnit.SECONDS, null, new CompletionHandler<Integer, Void>() {

			@Override
			public void completed(Integer written, Void attachment) {
				if (chunk.hasRemaining()) {
					// a partial write: the rest goes first, as MINA does
					socket.write(chunk, 30, TimeUnit.SECONDS, null, this);
					return;
				}
				writeChunks(socket, data, position + size, sizes, next + 1, done);
			}

			@Override
			public void failed(Throwable ex, Void attachment) {
				done.completeExceptionally(ex);
			}

		});
	}

	private static void writeUntilStuck(AsynchronousSocketChannel socket, ByteBuffer buffer,
			CompletableFuture<Integer> last) {
		buffer.clear();
		socket.write(buffer, 300, TimeUnit.MILLISECONDS, null, new CompletionHandler<Integer, Void>() {

			@Override
			public void completed(Integer written, Void attachment) {
				// bounded: the peer's and this socket's buffers hold a few MiB at most
				writeUntilStuck(socket, buffer, last);
			}

			@Override
			public void failed(Throwable ex, Void attachment) {
				last.completeExceptionally(ex);
			}

		});
	}

	private static byte[] readAll(Socket peer) {
		try (InputStream in = peer.getInputStream()) {
			peer.setSoTimeout((int) WAIT.toMillis());
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static <V> CompletionHandler<V, Object> handler(CompletableFuture<V> future) {
		return new CompletionHandler<>() {

			@Override
			public void completed(V result, Object attachment) {
				future.complete(result);
			}

			@Override
			public void failed(Throwable ex, Object attachment) {
				future.completeExceptionally(ex);
			}

		};
	}

}

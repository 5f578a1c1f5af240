package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SessionStatus;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Production-like traffic through a tunnel for a bounded time: bulk in both directions at
 * once on several connections to an echo service (each byte checked), many small
 * request/answer round trips on other connections, and optional queries (a database
 * through the tunnel). While it runs, it records the longest time in which a kind of
 * traffic made no progress, and whether any of the tunnel's I/O threads was seen parked
 * in an SSH future, for example by MINA's key exchange (an I/O thread must never wait).
 * <p>
 * Every socket has a read timeout and every loop ends at the deadline, so a wedged tunnel
 * shows as errors and a long stall, never as a hung test.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TrafficSoak {

	/**
	 * The system property that overrides the length of the long soak tests (seconds).
	 */
	public static final String SECONDS_PROPERTY = "sshtunnel.test.soak-seconds";

	private static final int PATTERN_LENGTH = 1024 * 1024 + 7;

	private static final byte[] PATTERN = new byte[PATTERN_LENGTH];

	private static final int CHUNK = 32 * 1024;

	private static final int SMALL = 64;

	private static final int READ_TIMEOUT_MILLIS = 10_000;

	private static final String IO_THREAD_PREFIX = "ssh-tunnel-io-";

	static {
		new SplittableRandom(20261129).nextBytes(PATTERN);
	}

	private final AtomicLong bulkSent = new AtomicLong();

	private final AtomicLong bulkReceived = new AtomicLong();

	private final AtomicLong roundTrips = new AtomicLong();

	private final AtomicLong queries = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final AtomicReference<Throwable> firstError = new AtomicReference<>();

	private final List<String> blockedIoThreads = new ArrayList<>();

	private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

	private TrafficSoak() {
	}

	/**
	 * The configured length of a long soak: {@value #SECONDS_PROPERTY} or 60 seconds.
	 * @return the length
	 */
	public static Duration configuredDuration() {
		return Duration.ofSeconds(Long.getLong(SECONDS_PROPERTY, 60));
	}

	/**
	 * Run the traffic and return what was seen.
	 * @param bulkPort the local port of a forward to an echo service
	 * @param bulkConnections how many bulk connections
	 * @param smallPort the local port of a forward to an echo service for round trips
	 * @param smallConnections how many round-trip connections
	 * @param query a query to repeat on its own threads, or {@code null}
	 * @param queryThreads how many query threads
	 * @param duration how long
	 * @return the result
	 * @throws Exception if the run could not be completed within its bounds
	 */
	public static Result run(int bulkPort, int bulkConnections, int smallPort, int smallConnections, Query query,
			int queryThreads, Duration duration) throws Exception {
		TrafficSoak soak = new TrafficSoak();
		return soak.execute(bulkPort, bulkConnections, smallPort, smallConnections, query, queryThreads, duration);
	}

	private Result execute(int bulkPort, int bulkConnections, int smallPort, int smallConnections, Query query,
			int queryThreads, Duration duration) throws Exception {
		int threads = bulkConnections * 2 + smallConnections + ((query != null) ? queryThreads : 0);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		long start = System.nanoTime();
		long deadline = start + duration.toNanos();
		List<Future<?>> futures = new ArrayList<>();
		Stall bulkStall = new Stall(this.bulkReceived);
		Stall smallStall = new Stall(this.roundTrips);
		Stall queryStall = new Stall(this.queries);
		try {
			for (int i = 0; i < bulkConnections; i++) {
				Socket socket = connect(bulkPort);
				AtomicLong sent = new AtomicLong();
				futures.add(executor.submit(() -> guarded(() -> writeBulk(socket, deadline, sent))));
				futures.add(executor.submit(() -> guarded(() -> readBulk(socket, sent))));
			}
			for (int i = 0; i < smallConnections; i++) {
				futures.add(executor.submit(() -> guarded(() -> roundTrips(smallPort, deadline))));
			}
			if (query != null) {
				for (int i = 0; i < queryThreads; i++) {
					futures.add(executor.submit(() -> guarded(() -> {
						while (System.nanoTime() < deadline) {
							query.run();
							this.queries.incrementAndGet();
						}
					})));
				}
			}
			long nextStackSample = System.nanoTime();
			while (System.nanoTime() < deadline) {
				long now = System.nanoTime();
				bulkStall.sample(now);
				smallStall.sample(now);
				queryStall.sample(now);
				if (now >= nextStackSample) {
					sampleIoThreads();
					nextStackSample = now + TimeUnit.MILLISECONDS.toNanos(200);
				}
				parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
			}
			long end = System.nanoTime();
			bulkStall.sample(end);
			smallStall.sample(end);
			queryStall.sample(end);
			for (Future<?> future : futures) {
				future.get(duration.toSeconds() + 30, TimeUnit.SECONDS);
			}
		}
		finally {
			// a blocked write has no timeout of its own: closing the socket ends it
			for (Socket socket : this.sockets) {
				socket.close();
			}
			executor.shutdownNow();
		}
		return new Result(this.bulkSent.get(), this.bulkReceived.get(), this.roundTrips.get(), this.queries.get(),
				this.errors.get(), this.firstError.get(), bulkStall.longest(), smallStall.longest(),
				queryStall.longest(), List.copyOf(this.blockedIoThreads), Duration.ofNanos(System.nanoTime() - start));
	}

	/**
	 * Assert what a user expects of a tunnel that carried a soak through key
	 * re-exchanges: no error, no I/O thread waiting, no kind of traffic stalled for 2 s,
	 * exact byte counts on both ends (the tunnel's counters included, for its forwards
	 * {@code bulk} and {@code small}), at least three key exchanges per second of soak,
	 * and the same session still up.
	 * @param result the soak's result
	 * @param tunnel the tunnel it ran through
	 */
	public static void assertCarriedThroughReExchanges(Result result, SshTunnel tunnel) {
		TunnelState state = tunnel.state();
		System.out.printf("re-exchange soak through %s: %s, %d key exchanges%n", state.host() + ":" + state.port(),
				result, state.keyExchanges());
		assertThat(result.errors()).as("errors; first: %s", result.firstError()).isZero();
		assertThat(result.blockedIoThreads()).as("I/O threads seen waiting").isEmpty();
		assertThat(result.longestBulkStall()).isLessThan(Duration.ofSeconds(2));
		assertThat(result.longestRoundTripStall()).isLessThan(Duration.ofSeconds(2));
		assertThat(result.longestQueryStall()).isLessThan(Duration.ofSeconds(2));
		assertThat(result.bulkBytesReceived()).isEqualTo(result.bulkBytesSent()).isGreaterThan(10_000_000);
		// the tunnel counts a chunk when its write completed: wait for the last ones
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			ForwardState bulk = tunnel.state().forward("bulk");
			assertThat(bulk.bytesOutbound()).isEqualTo(result.bulkBytesSent());
			assertThat(bulk.bytesInbound()).isEqualTo(result.bulkBytesReceived());
			ForwardState small = tunnel.state().forward("small");
			assertThat(small.bytesOutbound()).isEqualTo(small.bytesInbound()).isEqualTo(result.roundTrips() * SMALL);
		});
		assertThat(state.keyExchanges()).as("key exchanges").isGreaterThanOrEqualTo(result.elapsed().toSeconds() * 3);
		assertThat(state.status()).isEqualTo(SessionStatus.CONNECTED);
		assertThat(state.reconnects()).isZero();
	}

	private static void parkNanos(long nanos) {
		java.util.concurrent.locks.LockSupport.parkNanos(nanos);
	}

	private void guarded(Work work) {
		try {
			work.run();
		}
		catch (Exception | AssertionError ex) {
			this.errors.incrementAndGet();
			this.firstError.compareAndSet(null, ex);
		}
	}

	private Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		this.sockets.add(socket);
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(READ_TIMEOUT_MILLIS);
		socket.setTcpNoDelay(true);
		return socket;
	}

	private void writeBulk(Socket socket, long deadline, AtomicLong sent) throws IOException {
		OutputStream out = socket.getOutputStream();
		long position = 0;
		while (System.nanoTime() < deadline) {
			int offset = (int) (position % PATTERN_LENGTH);
			int length = Math.min(CHUNK, PATTERN_LENGTH - offset);
			out.write(PATTERN, offset, length);
			position += length;
			sent.set(position);
			this.bulkSent.addAndGet(length);
		}
		socket.shutdownOutput();
	}

	private void readBulk(Socket socket, AtomicLong sent) throws IOException {
		try (socket) {
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[CHUNK];
			long position = 0;
			int read;
			while ((read = in.read(buffer)) != -1) {
				for (int i = 0; i < read; i++) {
					if (buffer[i] != PATTERN[(int) ((position + i) % PATTERN_LENGTH)]) {
						throw new AssertionError("Byte " + (position + i) + " of a bulk connection differs");
					}
				}
				position += read;
				this.bulkReceived.addAndGet(read);
			}
			if (position != sent.get()) {
				throw new AssertionError("Bulk connection sent " + sent.get() + " bytes but received " + position);
			}
		}
	}

	private void roundTrips(int port, long deadline) throws IOException {
		try (Socket socket = connect(port)) {
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			byte[] answer = new byte[SMALL];
			int offset = 0;
			while (System.nanoTime() < deadline) {
				out.write(PATTERN, offset, SMALL);
				int read = 0;
				while (read < SMALL) {
					int n = in.read(answer, read, SMALL - read);
					if (n < 0) {
						throw new IOException("Round-trip connection closed after " + read + " bytes");
					}
					read += n;
				}
				if (!Arrays.equals(answer, 0, SMALL, PATTERN, offset, offset + SMALL)) {
					throw new AssertionError("Round-trip answer differs");
				}
				this.roundTrips.incrementAndGet();
				offset = (offset + SMALL) % (PATTERN_LENGTH - SMALL);
			}
		}
	}

	private void sampleIoThreads() {
		Thread.getAllStackTraces().forEach((thread, stack) -> {
			Thread.State state = thread.getState();
			if (!thread.getName().startsWith(IO_THREAD_PREFIX)
					|| (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING)) {
				return;
			}
			for (StackTraceElement frame : stack) {
				// parked in an SSH future: waiting for the key exchange or another I/O
				// completion (short waits for a lock are not counted)
				if (frame.getClassName().startsWith("org.apache.sshd.") && frame.getMethodName().startsWith("await")) {
					synchronized (this.blockedIoThreads) {
						if (this.blockedIoThreads.size() < 10) {
							this.blockedIoThreads.add(thread.getName() + " at " + frame);
						}
					}
					return;
				}
			}
		});
	}

	/**
	 * One repeated query of the soak, on a thread of its own.
	 */
	@FunctionalInterface
	public interface Query {

		/**
		 * Run the query once.
		 * @throws Exception on failure
		 */
		void run() throws Exception;

	}

	@FunctionalInterface
	private interface Work {

		void run() throws Exception;

	}

	/**
	 * The longest time without progress of one kind of traffic, counted from its first
	 * progress.
	 */
	private static final class Stall {

		private final AtomicLong counter;

		private long lastValue;

		private long lastChange;

		private long longest;

		Stall(AtomicLong counter) {
			this.counter = counter;
		}

		void sample(long now) {
			long value = this.counter.get();
			if (value != this.lastValue) {
				if (this.lastChange != 0) {
					this.longest = Math.max(this.longest, now - this.lastChange);
				}
				this.lastValue = value;
				this.lastChange = now;
			}
			else if (this.lastChange != 0) {
				this.longest = Math.max(this.longest, now - this.lastChange);
			}
		}

		Duration longest() {
			return Duration.ofNanos(this.longest);
		}

	}

	/**
	 * What a soak saw.
	 *
	 * @param bulkBytesSent bytes written by the bulk connections
	 * @param bulkBytesReceived bytes read back (checked) by the bulk connections
	 * @param roundTrips completed round trips
	 * @param queries completed queries
	 * @param errors failed connections, reads, checks or queries
	 * @param firstError the first failure, or {@code null}
	 * @param longestBulkStall the longest time without a bulk byte received
	 * @param longestRoundTripStall the longest time without a round trip
	 * @param longestQueryStall the longest time without a query
	 * @param blockedIoThreads I/O threads seen waiting, with the frame they waited in
	 * @param elapsed how long the soak ran
	 */
	public record Result(long bulkBytesSent, long bulkBytesReceived, long roundTrips, long queries, long errors,
			Throwable firstError, Duration longestBulkStall, Duration longestRoundTripStall, Duration longestQueryStall,
			List<String> blockedIoThreads, Duration elapsed) {

		@Override
		public String toString() {
			return String.format(
					"%d s: bulk %d MB each way (%.0f MB/s), %d round trips, %d queries, %d errors, "
							+ "longest stall bulk %d ms / round trips %d ms / queries %d ms",
					this.elapsed.toSeconds(), this.bulkBytesReceived / 1_000_000,
					this.bulkBytesReceived / 1e6 / Math.max(1, this.elapsed.toMillis() / 1000.0), this.roundTrips,
					this.queries, this.errors, this.longestBulkStall.toMillis(), this.longestRoundTripStall.toMillis(),
					this.longestQueryStall.toMillis());
		}

	}

}

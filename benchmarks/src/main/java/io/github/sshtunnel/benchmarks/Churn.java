package io.github.sshtunnel.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * New connections through a forward to a target that costs next to nothing, to measure
 * what a forwarder spends per connection without PostgreSQL's backend start in the way
 * (docs/performance.md, step 16). Loopback only, bounded in count and time.
 * <ul>
 * <li>{@code churn-target port}: a target on {@code 127.0.0.1:port} that reads a 100-byte
 * request, answers 300 bytes and waits for the client's end; it runs until its standard
 * input closes;</li>
 * <li>{@code churn port seconds threads [pid...]}: that many threads open connections to
 * {@code 127.0.0.1:port} one after the other (request, answer, close) for the given
 * seconds, at most 1,000,000 in all; prints the connections per second and, for each
 * process id given (a forwarder), its CPU time per connection.</li>
 * </ul>
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class Churn {

	static final int REQUEST = 100;

	static final int ANSWER = 300;

	private static final long MAX_CONNECTIONS = 1_000_000;

	private static final int TIMEOUT_MILLIS = 10_000;

	private Churn() {
	}

	static void target(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		ExecutorService threads = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "churn-target");
			thread.setDaemon(true);
			return thread;
		});
		try (ServerSocket server = new ServerSocket()) {
			server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
			Thread acceptor = new Thread(() -> {
				while (!server.isClosed()) {
					try {
						Socket socket = server.accept();
						threads.execute(() -> answer(socket));
					}
					catch (IOException ex) {
						// closed, or one failed accept
					}
				}
			}, "churn-accept");
			acceptor.setDaemon(true);
			acceptor.start();
			System.out.println("READY churn-target=" + server.getLocalPort());
			while (System.in.read() >= 0) {
				// until the standard input closes
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static void answer(Socket socket) {
		try (socket) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[512];
			int read = 0;
			while (read < REQUEST) {
				int count = in.read(buffer, read, REQUEST - read);
				if (count < 0) {
					return;
				}
				read += count;
			}
			socket.getOutputStream().write(new byte[ANSWER]);
			while (in.read(buffer) >= 0) {
				// until the client's end
			}
		}
		catch (IOException ex) {
			// the client went away
		}
	}

	static void client(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		long seconds = Long.parseLong(args[1]);
		int threadCount = Integer.parseInt(args[2]);
		List<Long> pids = new ArrayList<>();
		for (int i = 3; i < args.length; i++) {
			pids.add(Long.parseLong(args[i]));
		}
		long[] before = cpuTicks(pids);
		AtomicLong connections = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		long start = System.nanoTime();
		long end = start + seconds * 1_000_000_000L;
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < threadCount; i++) {
			Thread thread = new Thread(() -> {
				while (System.nanoTime() < end && connections.get() + failures.get() < MAX_CONNECTIONS) {
					if (exchange(port)) {
						connections.incrementAndGet();
					}
					else {
						failures.incrementAndGet();
					}
				}
			}, "churn-" + i);
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		double elapsed = (System.nanoTime() - start) / 1e9;
		long[] after = cpuTicks(pids);
		long count = connections.get();
		StringBuilder line = new StringBuilder(String.format("connections %d in %.1f s: %.0f/s, failed %d", count,
				elapsed, count / elapsed, failures.get()));
		for (int i = 0; i < pids.size(); i++) {
			// clock ticks of 10 ms (USER_HZ 100)
			double micros = (count > 0) ? (after[i] - before[i]) * 10_000.0 / count : 0;
			line.append(String.format(", pid %d %.0f us CPU per connection", pids.get(i), micros));
		}
		System.out.println(line);
	}

	private static boolean exchange(int port) {
		try (Socket socket = new Socket()) {
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
			OutputStream out = socket.getOutputStream();
			out.write(new byte[REQUEST]);
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[512];
			int read = 0;
			while (read < ANSWER) {
				int count = in.read(buffer);
				if (count < 0) {
					return false;
				}
				read += count;
			}
			socket.shutdownOutput();
			return in.read(buffer) < 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * User and system CPU time of processes, all their threads, in clock ticks.
	 */
	private static long[] cpuTicks(List<Long> pids) throws IOException {
		long[] ticks = new long[pids.size()];
		for (int i = 0; i < ticks.length; i++) {
			String stat = Files.readString(Path.of("/proc", String.valueOf(pids.get(i)), "stat"));
			// the fields after the command name, which is in parentheses and may hold
			// spaces
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			ticks[i] = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		return ticks;
	}

}

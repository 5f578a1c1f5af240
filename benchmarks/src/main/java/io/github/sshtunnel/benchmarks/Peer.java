package io.github.sshtunnel.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process the benchmark started (and only those are ever stopped), with helpers to run
 * commands with a time bound, find free loopback ports and read a process's CPU time.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class Peer implements AutoCloseable {

	private final String name;

	private final Process process;

	private final Path log;

	private Peer(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
	}

	static Peer start(String name, Path logDirectory, List<String> command) throws IOException {
		Path log = logDirectory.resolve(name.replaceAll("[^a-zA-Z0-9.-]", "_") + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		return new Peer(name, process, log);
	}

	static Peer startPiped(String name, Path logDirectory, List<String> command) throws IOException {
		Path log = logDirectory.resolve(name + ".err.log");
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		return new Peer(name, process, log);
	}

	Process process() {
		return this.process;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Read lines of standard output until one starts with the prefix.
	 * @param prefix the prefix
	 * @param timeout the bound
	 * @return the line
	 * @throws IOException if the process ends or the time is up
	 */
	String awaitLine(String prefix, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		InputStream in = this.process.getInputStream();
		StringBuilder line = new StringBuilder();
		while (System.nanoTime() < deadline) {
			if (in.available() == 0) {
				if (!this.process.isAlive()) {
					throw new IOException(this.name + " exited with " + this.process.exitValue() + ":\n" + log());
				}
				sleepBriefly();
				continue;
			}
			int c = in.read();
			if (c == -1) {
				throw new IOException(this.name + " closed its output");
			}
			if (c == '\n') {
				if (line.toString().startsWith(prefix)) {
					return line.toString();
				}
				line.setLength(0);
			}
			else {
				line.append((char) c);
			}
		}
		throw new IOException(this.name + " did not print '" + prefix + "' within " + timeout);
	}

	String log() {
		try {
			return (this.log != null && Files.exists(this.log)) ? Files.readString(this.log) : "";
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	/**
	 * Return the CPU time (user + system) the process used so far.
	 * @return CPU seconds, or -1 where /proc is missing
	 */
	double cpuSeconds() {
		return cpuSeconds(pid());
	}

	/**
	 * Return the CPU time (user + system) the process's descendants that are alive now
	 * used so far: for {@code sshd}, its per-connection processes.
	 * @return CPU seconds, or -1 where /proc is missing
	 */
	double descendantsCpuSeconds() {
		double[] sum = { 0 };
		this.process.descendants().forEach((descendant) -> {
			double seconds = cpuSeconds(descendant.pid());
			sum[0] = (sum[0] < 0 || seconds < 0) ? -1 : sum[0] + seconds;
		});
		return sum[0];
	}

	/**
	 * Return the process IDs of the process's descendants alive now.
	 * @return the IDs
	 */
	List<Long> descendantPids() {
		return this.process.descendants().map(ProcessHandle::pid).toList();
	}

	static double cpuSeconds(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks / 100.0;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	@Override
	public void close() {
		try {
			OutputStream stdin = this.process.getOutputStream();
			stdin.close();
		}
		catch (IOException ex) {
			// gone already
		}
		this.process.descendants().forEach(ProcessHandle::destroy);
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.descendants().forEach(ProcessHandle::destroyForcibly);
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Run a command to completion within a bound and return its output.
	 * @param timeout the bound
	 * @param command the command
	 * @return standard output and error
	 * @throws IOException if it fails or times out
	 */
	static String run(Duration timeout, List<String> command) throws IOException {
		Path output = Files.createTempFile("bench-cmd", ".out");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				throw new IOException(String.join(" ", command) + " timed out after " + timeout);
			}
			String text = Files.readString(output, StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": " + text);
			}
			return text;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

	static void awaitPort(int port, Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
				return;
			}
			catch (IOException ex) {
				sleepBriefly();
			}
		}
		throw new IOException("Nothing accepted connections on 127.0.0.1:" + port + " within " + timeout);
	}

	static void sleepBriefly() {
		pause(Duration.ofMillis(20));
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

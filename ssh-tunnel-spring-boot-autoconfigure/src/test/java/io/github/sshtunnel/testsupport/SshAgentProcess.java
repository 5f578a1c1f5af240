package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real OpenSSH {@code ssh-agent}, started by a test in the foreground
 * ({@code ssh-agent -D -a <socket>}) on a socket in a directory of the test, and stopped
 * by its own process (never by name).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshAgentProcess implements AutoCloseable {

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

	private final Path socket;

	private final Process process;

	private SshAgentProcess(Path socket, Process process) {
		this.socket = socket;
		this.process = process;
	}

	/**
	 * Start an agent with its socket in the given directory, and wait at most 10 seconds
	 * until the socket exists.
	 * @param directory the directory of the socket
	 * @return the running agent
	 */
	public static SshAgentProcess start(Path directory) {
		Path socket = directory.resolve("agent.sock");
		try {
			Process process = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			SshAgentProcess agent = new SshAgentProcess(socket, process);
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(socket) || !process.isAlive());
				if (!process.isAlive()) {
					throw new IllegalStateException("ssh-agent exited with " + process.exitValue());
				}
			}
			catch (RuntimeException ex) {
				agent.close();
				throw ex;
			}
			return agent;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the agent's socket.
	 * @return the socket
	 */
	public Path socket() {
		return this.socket;
	}

	/**
	 * Add a private key with {@code ssh-add}; a {@code <key>-cert.pub} next to it is
	 * added too.
	 * @param privateKey the private key file
	 * @return this agent
	 */
	public SshAgentProcess add(Path privateKey) {
		run("ssh-add", privateKey.toString());
		return this;
	}

	/**
	 * Return what {@code ssh-add -l} lists, one key a line.
	 * @return the listing
	 */
	public List<String> list() {
		return List.of(run("ssh-add", "-l").split("\n"));
	}

	private String run(String... command) {
		return execute(this.socket, command);
	}

	/**
	 * Make keys with {@code ssh-keygen -N ''}.
	 * @param directory where to write them
	 * @param type the key type ({@code ed25519}, {@code rsa})
	 * @param name the file name of the private key
	 * @return the private key file ({@code .pub} next to it)
	 */
	public static Path generateKey(Path directory, String type, String name) {
		Path key = directory.resolve(name);
		List<String> command = new ArrayList<>(
				List.of("ssh-keygen", "-q", "-t", type, "-N", "", "-C", name, "-f", key.toString()));
		if ("rsa".equals(type)) {
			command.addAll(List.of("-b", "3072"));
		}
		command(command.toArray(String[]::new));
		return key;
	}

	/**
	 * Sign a user certificate ({@code <key>-cert.pub}) valid from five minutes ago for a
	 * day.
	 * @param ca the user CA's private key
	 * @param publicKey the public key to certify
	 * @param principal the user name it is valid for
	 * @return the certificate file
	 */
	public static Path signUserCertificate(Path ca, Path publicKey, String principal) {
		command("ssh-keygen", "-q", "-s", ca.toString(), "-I", "test-user", "-n", principal, "-V", "-5m:+1d",
				publicKey.toString());
		String name = publicKey.getFileName().toString().replaceFirst("\\.pub$", "") + "-cert.pub";
		return publicKey.resolveSibling(name);
	}

	private static void command(String... command) {
		execute(null, command);
	}

	private static String execute(Path agentSocket, String... command) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			if (agentSocket != null) {
				builder.environment().put("SSH_AUTH_SOCK", agentSocket.toString());
			}
			Process process = builder.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " did not finish");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
			}
			return output.trim();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Stop the agent (SIGTERM, then SIGKILL after 5 seconds) and wait until it is gone.
	 */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

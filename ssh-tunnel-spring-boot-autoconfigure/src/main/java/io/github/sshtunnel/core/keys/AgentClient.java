package io.github.sshtunnel.core.keys;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * A client of an OpenSSH {@code ssh-agent} over its UNIX-domain socket, in pure Java (JDK
 * 16+ UNIX-domain {@link SocketChannel}s, no native library). One connection per
 * authentication; every round trip is bounded by the timeout given at
 * {@link #open(String, Duration)}, so an agent that never answers cannot hang a connect.
 * <p>
 * Signs agent-held certificates under the certificate's algorithm name: MINA 2.20 expects
 * the requested name back, while an agent answers with the plain key's algorithm. A
 * certificate held outside the agent ({@code certificate}) is signed with the agent's
 * plain key, as OpenSSH does with {@code CertificateFile}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class AgentClient extends AbstractAgentProxy {

	/**
	 * The value of {@code identity-agent} that means "the socket in the
	 * {@code SSH_AUTH_SOCK} environment variable", as in OpenSSH's {@code IdentityAgent}.
	 */
	public static final String SSH_AUTH_SOCK = "SSH_AUTH_SOCK";

	private static final String PROPERTY = "ssh.tunnel.identity-agent";

	/**
	 * Largest answer read from an agent: a list of 1024 RSA keys fits in far less.
	 */
	private static final int MAX_ANSWER = 256 * 1024;

	private final Path socket;

	private final Duration timeout;

	private final SocketChannel channel;

	private final Selector selector;

	/**
	 * Why the last round trip has not succeeded (still waiting, or failed), or
	 * {@code null}: read by the connect attempt when authentication fails.
	 */
	private volatile String problem;

	/**
	 * Certificates of agent keys that the agent itself does not hold.
	 */
	private final List<OpenSshCertificate> certified = new CopyOnWriteArrayList<>();

	private AgentClient(Path socket, Duration timeout, SocketChannel channel, Selector selector) {
		super(null);
		this.socket = socket;
		this.timeout = timeout;
		this.channel = channel;
		this.selector = selector;
	}

	/**
	 * Connect to the agent named by an {@code identity-agent} value.
	 * @param identityAgent a socket path, or {@value #SSH_AUTH_SOCK}
	 * @param timeout the bound of the connect and of every later round trip
	 * @return the connected client
	 * @throws SshTunnelException with reason {@link Reason#AGENT_UNAVAILABLE} naming
	 * {@code ssh.tunnel.identity-agent}
	 */
	public static AgentClient open(String identityAgent, Duration timeout) {
		return open(identityAgent, timeout, System::getenv);
	}

	static AgentClient open(String identityAgent, Duration timeout, UnaryOperator<String> environment) {
		Path socket = resolve(identityAgent, environment);
		SocketChannel channel = null;
		Selector selector = null;
		try {
			channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
			channel.configureBlocking(false);
			selector = Selector.open();
			return new AgentClient(socket, timeout, channel, selector);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(channel, selector);
			throw new SshTunnelException(Reason.AGENT_UNAVAILABLE,
					"ssh-agent at " + socket + " is unavailable: " + describe(ex), "Start ssh-agent ('ssh-agent -a "
							+ socket + "') or set " + PROPERTY + " to the socket of a running agent.",
					ex);
		}
	}

	/**
	 * Resolve an {@code identity-agent} value to the agent's socket.
	 * @param identityAgent a socket path, or {@value #SSH_AUTH_SOCK}
	 * @param environment the environment variables
	 * @return the socket
	 */
	static Path resolve(String identityAgent, UnaryOperator<String> environment) {
		if (!SSH_AUTH_SOCK.equals(identityAgent)) {
			return Path.of(identityAgent);
		}
		String fromEnvironment = environment.apply(SSH_AUTH_SOCK);
		if (fromEnvironment == null || fromEnvironment.isBlank()) {
			throw new SshTunnelException(Reason.AGENT_UNAVAILABLE,
					PROPERTY + " is SSH_AUTH_SOCK but the SSH_AUTH_SOCK environment variable is not set",
					"Start the application with SSH_AUTH_SOCK set (eval $(ssh-agent)), or set " + PROPERTY
							+ " to the path of the agent's socket.");
		}
		return Path.of(fromEnvironment);
	}

	/**
	 * Return the keys (and certificates) the agent holds, in its order.
	 * @return the public keys
	 * @throws SshTunnelException with reason {@link Reason#AGENT_UNAVAILABLE} when the
	 * agent does not answer in time or answers nonsense
	 */
	public List<PublicKey> identities() {
		try {
			List<PublicKey> keys = new ArrayList<>();
			for (Map.Entry<PublicKey, String> identity : getIdentities()) {
				keys.add(identity.getKey());
			}
			return keys;
		}
		catch (IOException | RuntimeException ex) {
			throw new SshTunnelException(Reason.AGENT_UNAVAILABLE,
					"ssh-agent at " + this.socket + " did not list its keys: " + describe(ex),
					"Check that the agent at " + PROPERTY + " runs and answers ('SSH_AUTH_SOCK=" + this.socket
							+ " ssh-add -l').",
					ex);
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
	 * Sign with the agent's plain key whenever the given certificate of it is used.
	 * @param certificate a certificate of a key the agent holds
	 */
	public void certify(OpenSshCertificate certificate) {
		this.certified.add(certificate);
	}

	@Override
	public Map.Entry<String, byte[]> sign(SessionContext session, PublicKey key, String algo, byte[] data)
			throws IOException {
		if (key instanceof OpenSshCertificate certificate && algo != null
				&& this.certified.stream().anyMatch((held) -> held == certificate)) {
			Map.Entry<String, byte[]> signed = super.sign(session, certificate.getCertPubKey(),
					KeyUtils.getSignatureAlgorithm(algo, key), data);
			return new SimpleImmutableEntry<>(algo, signed.getValue());
		}
		Map.Entry<String, byte[]> signed = super.sign(session, key, algo, data);
		if (key instanceof OpenSshCertificate && algo != null
				&& signed.getKey().equals(KeyUtils.getSignatureAlgorithm(algo, key))) {
			// the agent signs with the certificate's key and names the plain algorithm;
			// MINA checks for the requested (certificate) name, then writes the plain one
			return new SimpleImmutableEntry<>(algo, signed.getValue());
		}
		return signed;
	}

	/**
	 * Return why the last round trip to the agent has not succeeded: it is still waiting
	 * for the answer, or it failed.
	 * @return the problem, or {@code null} when the last round trip succeeded
	 */
	public String problem() {
		return this.problem;
	}

	@Override
	protected synchronized Buffer request(Buffer buffer) throws IOException {
		this.problem = "no answer yet";
		try {
			Buffer answer = exchange(buffer);
			this.problem = null;
			return answer;
		}
		catch (IOException | RuntimeException ex) {
			this.problem = describe(ex);
			throw ex;
		}
	}

	private Buffer exchange(Buffer buffer) throws IOException {
		if (!this.channel.isOpen()) {
			throw new IOException("agent connection closed");
		}
		long deadline = System.nanoTime() + this.timeout.toNanos();
		ByteBuffer request = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
		while (request.hasRemaining()) {
			if (this.channel.write(request) == 0) {
				await(SelectionKey.OP_WRITE, deadline);
			}
		}
		ByteBuffer length = ByteBuffer.allocate(4);
		read(length, deadline);
		int size = length.flip().getInt();
		if (size <= 0 || size > MAX_ANSWER) {
			throw new IOException("agent answered with a message of " + Integer.toUnsignedString(size) + " bytes");
		}
		ByteBuffer answer = ByteBuffer.allocate(size);
		read(answer, deadline);
		return new ByteArrayBuffer(answer.array());
	}

	private void read(ByteBuffer target, long deadline) throws IOException {
		while (target.hasRemaining()) {
			int read = this.channel.read(target);
			if (read < 0) {
				throw new EOFException("agent closed the connection");
			}
			if (read == 0) {
				await(SelectionKey.OP_READ, deadline);
			}
		}
	}

	private void await(int operation, long deadline) throws IOException {
		long remaining = deadline - System.nanoTime();
		if (remaining <= 0) {
			throw timedOut();
		}
		SelectionKey key = this.channel.register(this.selector, operation);
		try {
			int ready = this.selector.select(Math.max(1, Duration.ofNanos(remaining).toMillis()));
			if (Thread.currentThread().isInterrupted()) {
				throw new InterruptedIOException("interrupted while waiting for the agent");
			}
			if (ready == 0 && System.nanoTime() - deadline >= 0) {
				throw timedOut();
			}
		}
		finally {
			key.interestOps(0);
			this.selector.selectedKeys().clear();
		}
	}

	private IOException timedOut() {
		return new IOException("no answer within " + this.timeout.toMillis() + " ms");
	}

	@Override
	public synchronized void close() throws IOException {
		closeQuietly(this.channel, this.selector);
		super.close();
	}

	@Override
	public boolean isOpen() {
		return this.channel.isOpen();
	}

	@Override
	public String toString() {
		return "ssh-agent at " + this.socket;
	}

	private static String describe(Throwable ex) {
		String message = ex.getMessage();
		return (message != null) ? message : ex.getClass().getSimpleName();
	}

	private static void closeQuietly(SocketChannel channel, Selector selector) {
		try {
			if (selector != null) {
				selector.close();
			}
		}
		catch (IOException ex) {
			// nothing left to do
		}
		try {
			if (channel != null) {
				channel.close();
			}
		}
		catch (IOException ex) {
			// nothing left to do
		}
	}

}

package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Function;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.dockerfile.DockerfileBuilder;
import org.testcontainers.utility.MountableFile;

/**
 * Containers of the Testcontainers tests, built from one Debian base image: an OpenSSH
 * server and a PostgreSQL server. The base image comes from the system property
 * {@value #BASE_IMAGE_PROPERTY} or the environment variable {@value #BASE_IMAGE_ENV}
 * (default {@value #DEFAULT_BASE_IMAGE}, pulled from Docker Hub as usual); CI builds
 * {@code local/debian:bookworm} with debootstrap because it has no registry. Ports are
 * published on 127.0.0.1 only.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TestContainers {

	/**
	 * The system property that names the base image.
	 */
	public static final String BASE_IMAGE_PROPERTY = "sshtunnel.test.base-image";

	/**
	 * The environment variable that names the base image when the system property is not
	 * set.
	 */
	public static final String BASE_IMAGE_ENV = "SSH_TUNNEL_TEST_BASE_IMAGE";

	/**
	 * The base image when neither is set.
	 */
	public static final String DEFAULT_BASE_IMAGE = "debian:bookworm-slim";

	/**
	 * The database user of the PostgreSQL container.
	 */
	public static final String POSTGRES_USER = "tunnel";

	/**
	 * The password of {@link #POSTGRES_USER} (a throw-away test container).
	 */
	public static final String POSTGRES_PASSWORD = "tunnel-test-only";

	/**
	 * The public key (test fixture {@code keys/ed25519_openssh}) that may log in as root
	 * to the SSH container.
	 */
	public static final String AUTHORIZED_KEY = "keys/ed25519_openssh.pub";

	private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

	private TestContainers() {
	}

	/**
	 * Require a Docker engine: skip without one, or fail where peers are mandatory.
	 */
	public static void requireDocker() {
		Peers.require(dockerAvailable(), "A Docker engine (for Testcontainers; DOCKER_HOST)");
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Return the base image of the test containers.
	 * @return the image name
	 */
	public static String baseImage() {
		String image = System.getProperty(BASE_IMAGE_PROPERTY);
		if (image == null || image.isBlank()) {
			image = System.getenv(BASE_IMAGE_ENV);
		}
		return (image == null || image.isBlank()) ? DEFAULT_BASE_IMAGE : image.trim();
	}

	/**
	 * An OpenSSH server (TCP forwarding allowed, key login as root with
	 * {@link #AUTHORIZED_KEY}, a host key made at first start and kept across restarts),
	 * its port 22 published on 127.0.0.1 at a free port picked now, so that it stays the
	 * same when the container restarts.
	 * @param network the network to join
	 * @param alias the name of the container on that network
	 * @return the container, not started
	 */
	@SuppressWarnings("resource")
	public static GenericContainer<?> sshd(Network network, String alias) {
		ImageFromDockerfile image = image("sshd",
				(builder) -> builder.from(baseImage())
					.run("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
							+ "openssh-server && rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_* "
							+ "&& mkdir -p /run/sshd /root/.ssh && chmod 700 /root/.ssh "
							+ "&& printf 'PermitRootLogin prohibit-password\\nPasswordAuthentication no\\n"
							+ "AllowTcpForwarding yes\\nUsePAM no\\n' > /etc/ssh/sshd_config.d/tunnel.conf")
					.cmd("/bin/sh", "-c", "ssh-keygen -A && exec /usr/sbin/sshd -D -e")
					.build());
		return publishOnLoopback(new GenericContainer<>(image), 22).withNetwork(network)
			.withNetworkAliases(alias)
			.withCopyToContainer(MountableFile.forClasspathResource(AUTHORIZED_KEY, 0600), "/root/.ssh/authorized_keys")
			.waitingFor(Wait.forLogMessage(".*Server listening on 0\\.0\\.0\\.0 port 22.*", 1)
				.withStartupTimeout(STARTUP_TIMEOUT));
	}

	/**
	 * A PostgreSQL server with database {@code postgres}, user {@link #POSTGRES_USER} and
	 * password login from anywhere on its networks. No port is published.
	 * @param network the network to join
	 * @param alias the name of the container on that network
	 * @return the container, not started
	 */
	@SuppressWarnings("resource")
	public static GenericContainer<?> postgres(Network network, String alias) {
		ImageFromDockerfile image = image("postgres", (builder) -> builder.from(baseImage())
			.run("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
					+ "postgresql && rm -rf /var/lib/apt/lists/* "
					+ "&& ln -s /usr/lib/postgresql/*/bin /usr/local/pgbin "
					+ "&& mkdir -p /var/lib/pgtest /run/postgresql && chown postgres /var/lib/pgtest /run/postgresql")
			.user("postgres")
			.run("printf '%s\\n' '" + POSTGRES_PASSWORD
					+ "' > /tmp/pw && /usr/local/pgbin/initdb -D /var/lib/pgtest -U " + POSTGRES_USER
					+ " --pwfile=/tmp/pw -A scram-sha-256 && rm /tmp/pw "
					+ "&& echo 'host all all 0.0.0.0/0 scram-sha-256' >> /var/lib/pgtest/pg_hba.conf")
			.cmd("/usr/local/pgbin/postgres", "-D", "/var/lib/pgtest", "-c", "listen_addresses=*")
			.build());
		return new GenericContainer<>(image).withNetwork(network)
			.withNetworkAliases(alias)
			.waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 1)
				.withStartupTimeout(STARTUP_TIMEOUT));
	}

	/**
	 * Return the host key of an {@link #sshd(Network, String) SSH container} as an
	 * OpenSSH public key line, for {@code ssh.tunnel.host-key}.
	 * @param sshd the running container
	 * @return the ed25519 host key
	 */
	public static String hostKey(GenericContainer<?> sshd) {
		try {
			return sshd.execInContainer("cat", "/etc/ssh/ssh_host_ed25519_key.pub").getStdout().trim();
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
	 * Whether the container publishes any port on the host.
	 * @param container the running container
	 * @return whether a host port is bound to it
	 */
	public static boolean publishesPorts(GenericContainer<?> container) {
		Ports ports = container.getContainerInfo().getNetworkSettings().getPorts();
		return ports != null && ports.getBindings()
			.values()
			.stream()
			.anyMatch((bindings) -> bindings != null && bindings.length > 0);
	}

	private static ImageFromDockerfile image(String name, Function<DockerfileBuilder, String> dockerfile) {
		String text = dockerfile.apply(new DockerfileBuilder());
		// a stable name per base image and Dockerfile: built once per Docker engine,
		// then served from the build cache
		String tag = HexFormat.of().formatHex(sha256(text)).substring(0, 12);
		return new ImageFromDockerfile("ssh-tunnel-test/" + name.toLowerCase(Locale.ROOT) + ":" + tag, false)
			.withDockerfileFromBuilder((builder) -> dockerfile.apply(builder));
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static <T extends GenericContainer<?>> T publishOnLoopback(T container, int containerPort) {
		int hostPort = freeLoopbackPort();
		container.withCreateContainerCmdModifier((cmd) -> {
			ExposedPort exposed = ExposedPort.tcp(containerPort);
			cmd.withExposedPorts(exposed);
			cmd.getHostConfig()
				.withPublishAllPorts(false)
				.withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort("127.0.0.1", hostPort), exposed));
		});
		return container;
	}

	private static int freeLoopbackPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

package io.github.sshtunnel.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.StringUtils;

import io.github.sshtunnel.core.CertificateSource;
import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.HostKeyChecking;
import io.github.sshtunnel.core.JumpHost;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.TunnelSettings;

/**
 * Maps {@link SshTunnelProperties} to the tunnel's {@link TunnelSettings}, resolving
 * resource locations and naming the property to fix on every invalid value.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelSettingsFactory {

	/**
	 * Prefix of the auto-configured tunnel's properties, the one the core's messages
	 * name.
	 */
	static final String DEFAULT_PREFIX = "ssh.tunnel";

	private static final String PRIVATE_KEY_PROPERTY = "ssh.tunnel.private-key";

	private final ResourceLoader resourceLoader;

	private final String prefix;

	private final Predicate<String> setInEnvironment;

	/**
	 * Create a factory for properties bound under {@code ssh.tunnel}.
	 * @param resourceLoader resolves key and known_hosts locations
	 */
	SshTunnelSettingsFactory(ResourceLoader resourceLoader) {
		this(resourceLoader, DEFAULT_PREFIX);
	}

	/**
	 * Create a factory for properties bound under the given prefix, without an
	 * environment: a property counts as set explicitly (over {@code ssh-config}) when its
	 * value differs from the default.
	 * @param resourceLoader resolves key and known_hosts locations
	 * @param prefix the prefix the properties are bound under
	 */
	SshTunnelSettingsFactory(ResourceLoader resourceLoader, String prefix) {
		this(resourceLoader, prefix, (name) -> false);
	}

	/**
	 * Create a factory for properties bound under the given prefix. Messages are written
	 * with {@code ssh.tunnel.} names and renamed to the prefix on the way out.
	 * @param resourceLoader resolves key and known_hosts locations
	 * @param prefix the prefix the properties are bound under
	 * @param setInEnvironment whether a property (name relative to the prefix) is set in
	 * the environment, so that it wins over {@code ssh-config}
	 */
	SshTunnelSettingsFactory(ResourceLoader resourceLoader, String prefix, Predicate<String> setInEnvironment) {
		this.resourceLoader = resourceLoader;
		this.prefix = prefix;
		this.setInEnvironment = setInEnvironment;
	}

	TunnelSettings create(SshTunnelProperties properties) {
		return create(properties, List.of());
	}

	/**
	 * Create the settings with more forwards than the properties declare (those of the
	 * database URLs routed in port mode).
	 * @param properties the properties
	 * @param extraForwards the forwards to add after {@code ssh.tunnel.forwards}
	 * @return the settings
	 */
	TunnelSettings create(SshTunnelProperties properties, List<ForwardSettings> extraForwards) {
		try {
			return doCreate(new SshTunnelSshConfig(this::resolve, this.setInEnvironment).apply(properties),
					extraForwards);
		}
		catch (SshTunnelException ex) {
			throw renamed(ex, this.prefix);
		}
	}

	/**
	 * Return the failure with every {@code ssh.tunnel.} property name in its message and
	 * action replaced by the given prefix, so that it names the property the user set.
	 * @param ex the failure, as the core reports it
	 * @param prefix the prefix of the tunnel's properties
	 * @return the failure naming the tunnel's own properties
	 */
	static SshTunnelException renamed(SshTunnelException ex, String prefix) {
		if (DEFAULT_PREFIX.equals(prefix)) {
			return ex;
		}
		return ex.withText(rename(ex.getMessage(), prefix), rename(ex.getAction(), prefix));
	}

	private static String rename(String text, String prefix) {
		return (text != null) ? text.replace(DEFAULT_PREFIX + ".", prefix + ".") : null;
	}

	private TunnelSettings doCreate(SshTunnelProperties properties, List<ForwardSettings> extraForwards) {
		HostKeyChecking checking = HostKeyChecking.parse(properties.getStrictHostKeyChecking());
		if (checking == null) {
			throw invalid("ssh.tunnel.strict-host-key-checking",
					"'" + properties.getStrictHostKeyChecking() + "' is not one of yes, accept-new, no");
		}
		TunnelSettings.Builder builder = TunnelSettings.builder(properties.getHost())
			.port(properties.getPort())
			.username(properties.getUsername())
			.password(StringUtils.hasLength(properties.getPassword()) ? properties.getPassword() : null)
			.privateKeyPassphrase(properties.getPrivateKeyPassphrase())
			.identityAgent(
					StringUtils.hasText(properties.getIdentityAgent()) ? properties.getIdentityAgent().trim() : null)
			.hostKey(StringUtils.hasText(properties.getHostKey()) ? properties.getHostKey() : null)
			.hostKeyChecking(checking)
			.connectTimeout(properties.getConnectTimeout())
			.failFast(properties.isFailFast())
			.keepalive(properties.getKeepalive().getInterval(), properties.getKeepalive().getCountMax())
			.reconnect(properties.getReconnect().isEnabled(), properties.getReconnect().getInitialDelay(),
					properties.getReconnect().getMaxDelay());
		if (StringUtils.hasText(properties.getPrivateKey())) {
			builder.privateKey(privateKey(properties.getPrivateKey().trim()));
		}
		if (StringUtils.hasText(properties.getCertificate())) {
			builder.certificate(certificate(properties.getCertificate().trim()));
		}
		if (!StringUtils.hasText(properties.getHostKey()) && checking != HostKeyChecking.NO) {
			builder.knownHosts(knownHosts(properties.getKnownHosts(), checking));
		}
		for (JumpHost jumpHost : JumpHostsMapping.jumpHosts(properties, this::privateKey, this::certificate)) {
			builder.jumpHost(jumpHost);
		}
		for (Map.Entry<String, SshTunnelProperties.Forward> entry : properties.getForwards().entrySet()) {
			String name = entry.getKey();
			SshTunnelProperties.Forward forward = entry.getValue();
			if (forward.getRemotePort() == null) {
				throw invalid("ssh.tunnel.forwards." + name + ".remote-port",
						"is required (the port the target listens on, as in ssh -L local:host:PORT)");
			}
			builder.forward(new ForwardSettings(name, forward.getLocalHost(), forward.getLocalPort(),
					forward.getRemoteHost(), forward.getRemotePort()));
		}
		for (ForwardSettings forward : extraForwards) {
			if (properties.getForwards().containsKey(forward.name())) {
				throw invalid("ssh.tunnel.forwards." + forward.name(),
						"clashes with the forward of that name that port mode adds for a database URL; rename it");
			}
			builder.forward(forward);
		}
		return builder.build();
	}

	private PrivateKeySource privateKey(String value) {
		return privateKey(value, PRIVATE_KEY_PROPERTY);
	}

	private PrivateKeySource privateKey(String value, String property) {
		String keyText = PrivateKeyValue.keyText(value);
		if (keyText != null) {
			return PrivateKeySource.ofPem(keyText);
		}
		if (value.contains("\n") || value.contains("PRIVATE KEY")) {
			throw invalid(property,
					"looks like key text but does not start with a '-----BEGIN' line (the value is not shown)");
		}
		boolean showable = PrivateKeyValue.isClearlyLocation(value);
		Resource resource = resolve(value);
		if (!showable && !resource.exists()) {
			// perhaps key material in an unknown form: never echo it
			throw new SshTunnelException(Reason.KEY_UNREADABLE,
					"Private key set in " + property + " is neither key text (PEM or OpenSSH), nor the "
							+ "base64 of a key file, nor an existing file (the value is not shown, as it may be "
							+ "key material)",
					"Set " + property + " to a file: or classpath: location, an absolute or ~/ path, "
							+ "the PEM text of the key, or the base64 of the key file.");
		}
		String description = showable ? value : "(file named in " + property + ")";
		if (resource.isFile()) {
			try {
				Path path = resource.getFile().toPath();
				return showable ? PrivateKeySource.ofPath(path)
						: PrivateKeySource.of(description, () -> Files.newInputStream(path));
			}
			catch (IOException ex) {
				// fall back to the stream
			}
		}
		return PrivateKeySource.of(description, resource::getInputStream);
	}

	private CertificateSource certificate(String value) {
		if (value.contains("-cert-v01@openssh.com ") || value.contains("\n")) {
			return CertificateSource.ofText(value);
		}
		Resource resource = resolve(value);
		if (resource.isFile()) {
			try {
				return CertificateSource.ofPath(resource.getFile().toPath());
			}
			catch (IOException ex) {
				// fall back to the stream
			}
		}
		return CertificateSource.of(value, resource::getInputStream);
	}

	private Path knownHosts(String location, HostKeyChecking checking) {
		if (!StringUtils.hasText(location)) {
			return Path.of(System.getProperty("user.home"), ".ssh", "known_hosts");
		}
		Resource resource = resolve(location.trim());
		if (resource.isFile()) {
			try {
				return resource.getFile().toPath();
			}
			catch (IOException ex) {
				// fall through
			}
		}
		if (checking == HostKeyChecking.ACCEPT_NEW) {
			throw invalid("ssh.tunnel.known-hosts",
					"'" + location + "' is not a writable file, but strict-host-key-checking=accept-new appends to it");
		}
		if (!resource.exists()) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts file " + location + " does not exist",
					"Set ssh.tunnel.known-hosts to an existing known_hosts file, or set ssh.tunnel.host-key.");
		}
		// a known_hosts file inside a jar: work on a private read-only copy
		try (InputStream content = resource.getInputStream()) {
			Path copy = Files.createTempFile("ssh-tunnel-known_hosts", "");
			copy.toFile().deleteOnExit();
			Files.copy(content, copy, StandardCopyOption.REPLACE_EXISTING);
			return copy;
		}
		catch (IOException ex) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"known_hosts file " + location + " could not be read: " + ex.getMessage(),
					"Set ssh.tunnel.known-hosts to a readable known_hosts file.", ex);
		}
	}

	private Resource resolve(String location) {
		String expanded = location;
		if (expanded.startsWith("~/")) {
			expanded = System.getProperty("user.home") + expanded.substring(1);
		}
		if (!expanded.contains(":") || (expanded.length() > 1 && expanded.charAt(1) == ':')) {
			// a plain file path (or a Windows drive path), not a resource URL
			expanded = "file:" + expanded;
		}
		return this.resourceLoader.getResource(expanded);
	}

	private static SshTunnelException invalid(String property, String problem) {
		return new SshTunnelException(Reason.INVALID_CONFIGURATION,
				"Invalid SSH tunnel configuration: " + property + " " + problem + ".",
				"Set " + property + " to a valid value.");
	}

}

package io.github.sshtunnel.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;

import io.github.sshtunnel.core.HostKeyChecking;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.core.config.SshConfig;
import io.github.sshtunnel.core.config.SshConfigEntry;

/**
 * Applies {@code ssh.tunnel.ssh-config}: reads the OpenSSH client configuration for
 * {@code ssh.tunnel.host} and returns a copy of the properties in which every value the
 * file sets replaces the starter's default, while a property set explicitly keeps its
 * value (as {@code ssh -p} or {@code -l} win over the file). What OpenSSH keeps several
 * of, the tunnel takes one of: the first {@code IdentityFile} that exists, the first
 * {@code UserKnownHostsFile}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelSshConfig {

	private static final Log logger = LogFactory.getLog(SshTunnelSshConfig.class);

	private static final SshTunnelProperties DEFAULTS = new SshTunnelProperties();

	private final java.util.function.Function<String, Resource> resolver;

	private final Predicate<String> explicitInEnvironment;

	/**
	 * Create an instance.
	 * @param resolver resolves a location to a resource
	 * @param explicitInEnvironment whether a property (relative name such as
	 * {@code keepalive.interval}) is set in the environment; a value that differs from
	 * the default counts as set as well
	 */
	SshTunnelSshConfig(java.util.function.Function<String, Resource> resolver,
			Predicate<String> explicitInEnvironment) {
		this.resolver = resolver;
		this.explicitInEnvironment = explicitInEnvironment;
	}

	/**
	 * Return the properties with the file applied, or the same properties when
	 * {@code ssh-config} is not set.
	 * @param properties the properties as bound
	 * @return the effective properties
	 */
	SshTunnelProperties apply(SshTunnelProperties properties) {
		if (!StringUtils.hasText(properties.getSshConfig()) || !StringUtils.hasText(properties.getHost())) {
			return properties;
		}
		Predicate<String> explicit = (name) -> this.explicitInEnvironment.test(name)
				|| !Objects.equals(value(properties, name), value(DEFAULTS, name));
		SshConfig config = SshConfig.of(file(properties.getSshConfig().trim()));
		SshConfigEntry entry = config.resolve(properties.getHost().trim(),
				explicit.test("username") ? properties.getUsername() : null,
				explicit.test("port") ? properties.getPort() : null);
		SshTunnelProperties effective = new SshTunnelProperties();
		copy(properties, effective);
		effective.setHost(entry.hostName());
		set(explicit, "port", entry.port(), effective::setPort);
		set(explicit, "username", entry.user(), effective::setUsername);
		set(explicit, "private-key", identityFile(entry), effective::setPrivateKey);
		if (!"none".equalsIgnoreCase(entry.identityAgent())) {
			set(explicit, "identity-agent", entry.identityAgent(), effective::setIdentityAgent);
		}
		set(explicit, "known-hosts", knownHosts(entry), effective::setKnownHosts);
		set(explicit, "strict-host-key-checking", hostKeyChecking(entry), effective::setStrictHostKeyChecking);
		set(explicit, "connect-timeout", entry.connectTimeout(), effective::setConnectTimeout);
		set(explicit, "keepalive.interval", entry.serverAliveInterval(), effective.getKeepalive()::setInterval);
		set(explicit, "keepalive.count-max", entry.serverAliveCountMax(), effective.getKeepalive()::setCountMax);
		if (properties.getJumpHosts().isEmpty()) {
			set(explicit, "proxy-jump", (entry.proxyJump() != null) ? config.resolveJumpHosts(entry.proxyJump()) : null,
					effective::setProxyJump);
		}
		set(explicit, "certificate", firstExistingFile(entry.certificateFiles()), effective::setCertificate);
		if (logger.isDebugEnabled()) {
			logger.debug("SSH tunnel host '" + entry.host() + "' read from " + properties.getSshConfig() + ": "
					+ entry.hostName() + ":" + effective.getPort() + " as " + effective.getUsername());
		}
		return effective;
	}

	private Path file(String location) {
		Resource resource = this.resolver.apply(location);
		try {
			if (resource.isFile()) {
				return resource.getFile().toPath();
			}
		}
		catch (IOException ex) {
			// not a file: reported below
		}
		throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
				"Invalid SSH tunnel configuration: " + SshConfig.PROPERTY + " '" + location
						+ "' is not a file (its Include lines need a file system).",
				"Set " + SshConfig.PROPERTY + " to a file: location or a path.");
	}

	private static String identityFile(SshConfigEntry entry) {
		String file = firstExistingFile(entry.identityFiles());
		if (file == null && !entry.identityFiles().isEmpty()) {
			logger.warn("None of the IdentityFile entries for SSH host '" + entry.host() + "' ("
					+ entry.origin("identityfile") + ") exists: " + entry.identityFiles());
		}
		return file;
	}

	/**
	 * Return the first of the files that exists, as a {@code file:} location.
	 * @param files the files, as the configuration lists them
	 * @return the location, or {@code null} if none exists
	 */
	static String firstExistingFile(java.util.List<String> files) {
		for (String file : files) {
			Path path = Path.of(file);
			if (Files.isRegularFile(path)) {
				return location(path);
			}
		}
		return null;
	}

	private static String knownHosts(SshConfigEntry entry) {
		if (entry.userKnownHostsFiles().isEmpty()) {
			return null;
		}
		String first = entry.userKnownHostsFiles().get(0);
		if (first.equalsIgnoreCase("none")) {
			throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
					"Invalid SSH tunnel configuration: " + SshConfig.PROPERTY + " ("
							+ entry.origin("userknownhostsfile") + "): UserKnownHostsFile none leaves no host key to "
							+ "check.",
					"Set ssh.tunnel.known-hosts or ssh.tunnel.host-key, or remove the line.");
		}
		if (entry.userKnownHostsFiles().size() > 1) {
			logger.info("SSH host '" + entry.host() + "': only the first UserKnownHostsFile (" + first
					+ ") is read; the others are ignored (" + entry.origin("userknownhostsfile") + ")");
		}
		return location(Path.of(first));
	}

	/**
	 * A file as a location for the properties: {@code file:} and an absolute path, so
	 * that no character of the name is read as a URL scheme.
	 */
	private static String location(Path file) {
		return "file:" + file.toAbsolutePath();
	}

	private static String hostKeyChecking(SshConfigEntry entry) {
		HostKeyChecking checking = entry.hostKeyChecking();
		if (checking == null) {
			return null;
		}
		String value = entry.strictHostKeyChecking();
		if (checking == HostKeyChecking.ACCEPT_NEW && !value.equals("accept-new")) {
			logger.warn("StrictHostKeyChecking " + value + " (" + entry.origin("stricthostkeychecking")
					+ ") is applied as accept-new: an OpenSSH file never turns host key checking off; set "
					+ "ssh.tunnel.strict-host-key-checking=no to accept any host key");
		}
		return (checking == HostKeyChecking.YES) ? "yes" : "accept-new";
	}

	private static <T> void set(Predicate<String> explicit, String name, T value,
			java.util.function.Consumer<T> setter) {
		if (value != null && !explicit.test(name)) {
			setter.accept(value);
		}
	}

	private static Object value(SshTunnelProperties properties, String name) {
		BeanWrapper wrapper = new BeanWrapperImpl(properties);
		return wrapper.getPropertyValue(propertyPath(name));
	}

	private static String propertyPath(String name) {
		StringBuilder path = new StringBuilder(name.length());
		boolean upper = false;
		for (char c : name.toCharArray()) {
			if (c == '-') {
				upper = true;
			}
			else {
				path.append(upper ? Character.toUpperCase(c) : c);
				upper = false;
			}
		}
		return path.toString();
	}

	/**
	 * Copy every property, nested groups, maps and lists included, so that properties
	 * added later are carried over without a change here.
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	static void copy(Object source, Object target) {
		BeanWrapper from = new BeanWrapperImpl(source);
		BeanWrapper to = new BeanWrapperImpl(target);
		for (PropertyDescriptor descriptor : from.getPropertyDescriptors()) {
			String name = descriptor.getName();
			if (name.equals("class") || !from.isReadableProperty(name)) {
				continue;
			}
			Object value = from.getPropertyValue(name);
			if (to.isWritableProperty(name)) {
				to.setPropertyValue(name, value);
			}
			else if (value instanceof Map map) {
				((Map) to.getPropertyValue(name)).putAll(map);
			}
			else if (value instanceof Collection collection) {
				((Collection) to.getPropertyValue(name)).addAll(collection);
			}
			else if (value != null) {
				copy(value, to.getPropertyValue(name));
			}
		}
	}

}

package io.github.sshtunnel.autoconfigure;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshTunnel;

/**
 * Publishes the local port bound by each forward of a tunnel as
 * {@code local.ssh.tunnel.<bean name>.forwards.<forward>.port} (and {@code .host}), as
 * Boot publishes {@code local.server.port}, so that {@code spring.datasource.url} can
 * refer to it. The auto-configured tunnel, bean {@code sshTunnel}, is also published
 * without its name, as {@code local.ssh.tunnel.forwards.<forward>.port}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelPortsPropertySource {

	static final String NAME = "sshTunnelPorts";

	/**
	 * Name of the auto-configured tunnel's bean, whose ports are also published without
	 * it.
	 */
	static final String DEFAULT_TUNNEL = "sshTunnel";

	private static final String PREFIX = "local.ssh.tunnel.";

	private SshTunnelPortsPropertySource() {
	}

	@SuppressWarnings("unchecked")
	static void publish(Environment environment, String tunnelName, SshTunnel tunnel) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		MutablePropertySources sources = configurable.getPropertySources();
		Map<String, Object> ports;
		if (sources.get(NAME) instanceof MapPropertySource existing) {
			ports = (Map<String, Object>) existing.getSource();
		}
		else {
			ports = new ConcurrentHashMap<>();
			sources.addFirst(new MapPropertySource(NAME, ports));
		}
		for (ForwardState forward : tunnel.state().forwards()) {
			put(ports, PREFIX + tunnelName + ".forwards." + forward.name(), forward);
			if (DEFAULT_TUNNEL.equals(tunnelName)) {
				put(ports, PREFIX + "forwards." + forward.name(), forward);
			}
		}
	}

	private static void put(Map<String, Object> ports, String prefix, ForwardState forward) {
		ports.put(prefix + ".port", forward.localPort());
		ports.put(prefix + ".host", forward.localHost());
	}

}

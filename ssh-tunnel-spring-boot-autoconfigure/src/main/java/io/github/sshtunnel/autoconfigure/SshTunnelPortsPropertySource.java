package io.github.sshtunnel.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;

import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshTunnel;

/**
 * Publishes the local port bound by each forward as
 * {@code local.ssh.tunnel.forwards.<name>.port} (and {@code .host}), as Boot publishes
 * {@code local.server.port}, so that {@code spring.datasource.url} can refer to it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelPortsPropertySource {

	static final String NAME = "sshTunnelPorts";

	private SshTunnelPortsPropertySource() {
	}

	@SuppressWarnings("unchecked")
	static void publish(Environment environment, SshTunnel tunnel) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		MutablePropertySources sources = configurable.getPropertySources();
		Map<String, Object> ports;
		if (sources.get(NAME) instanceof MapPropertySource existing) {
			ports = (Map<String, Object>) existing.getSource();
		}
		else {
			ports = new LinkedHashMap<>();
			sources.addFirst(new MapPropertySource(NAME, ports));
		}
		for (ForwardState forward : tunnel.state().forwards()) {
			String prefix = "local.ssh.tunnel.forwards." + forward.name();
			ports.put(prefix + ".port", forward.localPort());
			ports.put(prefix + ".host", forward.localHost());
		}
	}

}

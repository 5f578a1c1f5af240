package io.github.sshtunnel.autoconfigure;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

import io.github.sshtunnel.core.ForwardSettings;

/**
 * Lets {@code ${local.ssh.tunnel.forwards.<name>.port}} resolve before the tunnel is
 * open, for the conditions that only check whether a property such as
 * {@code spring.flyway.url} is set. Until the tunnel publishes the real port (in a
 * property source that takes precedence), the placeholder resolves to the configured
 * {@code local-port}, {@code 0} when a free port is to be picked. Nothing binds such a
 * URL before the tunnel is open: every bean that does depends on the tunnel.
 * <p>
 * Only for the auto-configured tunnel: the names of tunnels that the application defines
 * as beans are not known before its bean definitions are.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelPortsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String NAME = "sshTunnelPendingPorts";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(NAME)) {
			environment.getPropertySources().addLast(new PendingPortsPropertySource(environment));
		}
	}

	private static boolean tunnelConfigured(Environment environment) {
		return environment.containsProperty("ssh.tunnel.host")
				&& !"false".equalsIgnoreCase(environment.getProperty("ssh.tunnel.enabled"));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	static final class PendingPortsPropertySource extends PropertySource<Object> {

		private static final String PREFIX = "local.ssh.tunnel.forwards.";

		private final ConfigurableEnvironment environment;

		PendingPortsPropertySource(ConfigurableEnvironment environment) {
			// the source must not be the environment itself: Boot would iterate into it
			super(NAME, new Object());
			this.environment = environment;
		}

		@Override
		public Object getProperty(String name) {
			if (!name.startsWith(PREFIX)) {
				return null;
			}
			String rest = name.substring(PREFIX.length());
			int dot = rest.lastIndexOf('.');
			if (dot <= 0) {
				return null;
			}
			String forward = rest.substring(0, dot);
			String attribute = rest.substring(dot + 1);
			String configured = "ssh.tunnel.forwards." + forward;
			if (!tunnelConfigured(this.environment)
					|| !this.environment.containsProperty(configured + ".remote-port")) {
				return null;
			}
			return switch (attribute) {
				case "port" -> this.environment.getProperty(configured + ".local-port", "0");
				case "host" ->
					this.environment.getProperty(configured + ".local-host", ForwardSettings.DEFAULT_LOCAL_HOST);
				default -> null;
			};
		}

	}

}

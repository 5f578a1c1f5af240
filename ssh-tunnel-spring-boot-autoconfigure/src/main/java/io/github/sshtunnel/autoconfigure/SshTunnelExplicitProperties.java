package io.github.sshtunnel.autoconfigure;

import java.util.function.Predicate;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Tells whether a tunnel property is set in the environment, in any of the forms Boot
 * binds (YAML, {@code SSH_TUNNEL_PORT}, {@code --ssh.tunnel.port}), even when its value
 * is the default: such a property wins over {@code ssh-config}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelExplicitProperties {

	private SshTunnelExplicitProperties() {
	}

	/**
	 * Return the test for properties under the given prefix.
	 * @param environment the environment
	 * @param prefix the prefix the tunnel's properties are bound under
	 * @return whether a property, by its name relative to the prefix, is set
	 */
	static Predicate<String> of(Environment environment, String prefix) {
		if (!(environment instanceof ConfigurableEnvironment configurable)
				|| !ConfigurationPropertyName.isValid(prefix)) {
			return (name) -> false;
		}
		Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(configurable);
		return (name) -> {
			ConfigurationPropertyName property = ConfigurationPropertyName.of(prefix + "." + name);
			for (ConfigurationPropertySource source : sources) {
				if (source.getConfigurationProperty(property) != null) {
					return true;
				}
			}
			return false;
		};
	}

}

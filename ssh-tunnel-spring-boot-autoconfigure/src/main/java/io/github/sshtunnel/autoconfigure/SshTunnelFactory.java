package io.github.sshtunnel.autoconfigure;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.Assert;

import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelSettings;

/**
 * Builds {@link SshTunnel}s from {@link SshTunnelProperties}, as the starter builds the
 * auto-configured {@code sshTunnel}: the application's {@link SshClientCustomizer} and
 * {@link SshTunnelListener} beans apply to each. Use it to define more tunnels as beans,
 * each from its own properties prefix:
 *
 * <pre class="code">
 * &#64;Bean
 * &#64;ConfigurationProperties("tunnels.reporting")
 * SshTunnelProperties reportingTunnelProperties() {
 *     return new SshTunnelProperties();
 * }
 *
 * &#64;Bean
 * SshTunnel reportingTunnel(SshTunnelFactory tunnels, SshTunnelProperties reportingTunnelProperties) {
 *     return tunnels.create(reportingTunnelProperties);
 * }
 * </pre>
 *
 * The tunnel is returned not yet open. The starter opens every {@code SshTunnel} bean
 * when it is initialized (before any DataSource, R2DBC ConnectionFactory, Flyway or
 * Liquibase bean is created), publishes its ports as
 * {@code local.ssh.tunnel.<bean name>.forwards.<forward>.port}, names its health member,
 * meters and events after the bean name, and closes it when the bean is destroyed (after
 * those beans).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshTunnelFactory {

	private final ResourceLoader resourceLoader;

	private final ConfigurableApplicationContext context;

	private final ObjectProvider<SshClientCustomizer> customizers;

	private final ObjectProvider<SshTunnelListener> listeners;

	/**
	 * The prefix that each tunnel's properties are bound under, for messages that name
	 * the property to fix. Weak keys: the factory must not keep a closed tunnel alive.
	 */
	private final Map<SshTunnel, String> prefixes = Collections.synchronizedMap(new WeakHashMap<>());

	SshTunnelFactory(ResourceLoader resourceLoader, ConfigurableApplicationContext context,
			ObjectProvider<SshClientCustomizer> customizers, ObjectProvider<SshTunnelListener> listeners) {
		this.resourceLoader = resourceLoader;
		this.context = context;
		this.customizers = customizers;
		this.listeners = listeners;
	}

	/**
	 * Build a tunnel, not yet open, from the given properties. An invalid value fails
	 * here, naming the property under the prefix the properties are bound to (found from
	 * the {@link ConfigurationProperties @ConfigurationProperties} bean that holds them;
	 * {@code ssh.tunnel} otherwise).
	 * @param properties the properties of the tunnel
	 * @return the tunnel, for a bean method to return
	 * @throws io.github.sshtunnel.core.SshTunnelException if a property is invalid
	 */
	public SshTunnel create(SshTunnelProperties properties) {
		return create(properties, List.of());
	}

	/**
	 * Build a tunnel with more forwards than its properties declare.
	 * @param properties the properties of the tunnel
	 * @param extraForwards the forwards to add (those of port mode)
	 * @return the tunnel, not yet open
	 */
	SshTunnel create(SshTunnelProperties properties, List<ForwardSettings> extraForwards) {
		Assert.notNull(properties, "'properties' must not be null");
		String prefix = prefixOf(properties);
		TunnelSettings settings = new SshTunnelSettingsFactory(this.resourceLoader, prefix,
				SshTunnelExplicitProperties.of(this.context.getEnvironment(), prefix))
			.create(properties, extraForwards);
		List<SshClientCustomizer> clientCustomizers = this.customizers.orderedStream().toList();
		SshTunnel tunnel = new SshTunnel(settings, clientCustomizers);
		this.listeners.orderedStream().forEach(tunnel::addListener);
		this.prefixes.put(tunnel, prefix);
		return tunnel;
	}

	/**
	 * Return the prefix of the properties that the tunnel was built from.
	 * @param tunnel a tunnel
	 * @return the prefix, {@code ssh.tunnel} for a tunnel this factory did not build
	 */
	String propertiesPrefix(SshTunnel tunnel) {
		return this.prefixes.getOrDefault(tunnel, SshTunnelSettingsFactory.DEFAULT_PREFIX);
	}

	private String prefixOf(SshTunnelProperties properties) {
		ConfigurableListableBeanFactory beanFactory = this.context.getBeanFactory();
		// only beans that exist already: looking must not create any
		for (String name : beanFactory.getBeanNamesForType(SshTunnelProperties.class, false, false)) {
			if (beanFactory.containsSingleton(name) && beanFactory.getSingleton(name) == properties) {
				// Boot's own lookup: the annotation of a @Bean method wins over the
				// class's
				ConfigurationPropertiesBean bean = ConfigurationPropertiesBean.get(this.context, properties, name);
				if (bean != null && !bean.getAnnotation().prefix().isEmpty()) {
					return bean.getAnnotation().prefix();
				}
			}
		}
		return SshTunnelSettingsFactory.DEFAULT_PREFIX;
	}

}

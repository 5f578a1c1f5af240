package io.github.sshtunnel.sample.demo;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the {@link DemoServers} before the context refreshes, when
 * {@code demo.embedded-servers.enabled=true} (off by default), and points
 * {@code ssh.tunnel.*} at them through a property source that takes precedence over
 * {@code application.yaml}.
 * <p>
 * The servers are registered as a disposable bean before any other bean exists.
 * Disposable beans are destroyed in the reverse order of their registration, so the demo
 * servers stop last: after the connection pool and the SSH tunnel have closed.
 * <p>
 * Registered in {@code META-INF/spring.factories}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class DemoServersInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/**
	 * The property that switches the demo servers on.
	 */
	public static final String ENABLED_PROPERTY = "demo.embedded-servers.enabled";

	/**
	 * Name of the property source that points {@code ssh.tunnel.*} at the demo servers.
	 */
	public static final String PROPERTY_SOURCE_NAME = "demoServers";

	private static final Log logger = LogFactory.getLog(DemoServersInitializer.class);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (!context.getEnvironment().getProperty(ENABLED_PROPERTY, Boolean.class, false)) {
			return;
		}
		DefaultSingletonBeanRegistry registry = (DefaultSingletonBeanRegistry) context.getBeanFactory();
		DemoServers servers = DemoServers.start();
		registry.registerDisposableBean("demoServers", servers);
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource(PROPERTY_SOURCE_NAME, servers.tunnelProperties()));
		logger.info("Demo servers running on 127.0.0.1: SSH on port " + servers.sshPort() + " (user "
				+ DemoServers.USERNAME + ", host key " + servers.hostKeyFingerprint() + "), H2 database on port "
				+ servers.databasePort() + " (reached through the SSH tunnel)");
	}

}

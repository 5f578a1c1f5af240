package io.github.sshtunnel.sample.demo;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Starts the {@link DemoServers} before the context refreshes, when
 * {@code demo.embedded-servers.enabled=true}, and points {@code ssh.tunnel.*} at them.
 * They are registered as the first disposable bean, so they stop last: after the pool and
 * the tunnel.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class DemoServersInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Log logger = LogFactory.getLog(DemoServersInitializer.class);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (!context.getEnvironment().getProperty("demo.embedded-servers.enabled", Boolean.class, false)) {
			return;
		}
		DemoServers servers = DemoServers.start();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("demoServers", servers.tunnelProperties()));
		if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean("demoServers", servers);
		}
		logger.info("Demo servers on 127.0.0.1: SSH on port " + servers.sshPort() + ", H2 database on port "
				+ servers.databasePort() + " (reached only through the SSH tunnel)");
	}

}

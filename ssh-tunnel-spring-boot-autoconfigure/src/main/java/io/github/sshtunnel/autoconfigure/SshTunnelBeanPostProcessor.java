package io.github.sshtunnel.autoconfigure;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import io.github.sshtunnel.core.SessionStatus;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.jdbc.SshTunnelRegistry;

/**
 * Opens every {@link SshTunnel} bean when it is initialized, whoever defined it, and
 * names it after its bean: its application events carry the bean name and its ports are
 * published under it. A tunnel that its bean method opened already is observed from then
 * on. Runs after every other post-processor, so that listeners added before
 * initialization (the metrics) see the first connect.
 * <p>
 * Each open tunnel is registered under its bean name in {@link SshTunnelRegistry}, where
 * the JDBC socket factories find it ({@code socket} mode), and removed before it closes.
 * <p>
 * A failure to open names the tunnel's own properties (those of the prefix its
 * {@link SshTunnelProperties} are bound to).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelBeanPostProcessor implements DestructionAwareBeanPostProcessor, Ordered {

	private final Environment environment;

	private final ApplicationEventPublisher eventPublisher;

	private final ObjectProvider<SshTunnelFactory> factory;

	SshTunnelBeanPostProcessor(Environment environment, ApplicationEventPublisher eventPublisher,
			ObjectProvider<SshTunnelFactory> factory) {
		this.environment = environment;
		this.eventPublisher = eventPublisher;
		this.factory = factory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof SshTunnel tunnel) {
			tunnel.addListener(new SshTunnelEventPublisher(this.eventPublisher, beanName, tunnel));
			if (tunnel.state().status() == SessionStatus.NEW) {
				open(tunnel);
			}
			SshTunnelPortsPropertySource.publish(this.environment, beanName, tunnel);
			SshTunnelRegistry.register(beanName, tunnel);
		}
		return bean;
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) throws BeansException {
		if (bean instanceof SshTunnel tunnel) {
			SshTunnelRegistry.unregister(beanName, tunnel);
		}
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		return bean instanceof SshTunnel;
	}

	private void open(SshTunnel tunnel) {
		try {
			tunnel.open();
		}
		catch (SshTunnelException ex) {
			SshTunnelFactory tunnels = this.factory.getIfAvailable();
			String prefix = (tunnels != null) ? tunnels.propertiesPrefix(tunnel)
					: SshTunnelSettingsFactory.DEFAULT_PREFIX;
			throw SshTunnelSettingsFactory.renamed(ex, prefix);
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

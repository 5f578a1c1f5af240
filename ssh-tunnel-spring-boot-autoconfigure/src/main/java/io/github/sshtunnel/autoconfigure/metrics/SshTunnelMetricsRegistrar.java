package io.github.sshtunnel.autoconfigure.metrics;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.metrics.SshTunnelMetrics;

/**
 * Registers every {@link SshTunnel} bean with the {@link SshTunnelMetrics} under its bean
 * name, before initialization: the starter opens the tunnel after initialization, so the
 * first connect is recorded.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelMetricsRegistrar implements BeanPostProcessor {

	private final ObjectProvider<SshTunnelMetrics> metrics;

	SshTunnelMetricsRegistrar(ObjectProvider<SshTunnelMetrics> metrics) {
		this.metrics = metrics;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof SshTunnel tunnel) {
			SshTunnelMetrics tunnelMetrics = this.metrics.getIfAvailable();
			if (tunnelMetrics != null) {
				tunnel.addListener(tunnelMetrics.register(beanName, tunnel));
			}
		}
		return bean;
	}

}

package io.github.sshtunnel.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.metrics.SshTunnelMetrics;

/**
 * {@link AutoConfiguration Auto-configuration} of the Micrometer metrics of every
 * {@link SshTunnel} bean, tagged {@code tunnel=<bean name>}. Each tunnel is registered as
 * it is created, before the starter opens it, so that the connect time of its first
 * session is recorded too.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration(after = SshTunnelAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ MeterRegistry.class, SshTunnelMetrics.class })
@ConditionalOnBean({ SshTunnel.class, MeterRegistry.class })
public final class SshTunnelMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SshTunnelMetrics sshTunnelMetrics() {
		return new SshTunnelMetrics();
	}

	@Bean
	static SshTunnelMetricsRegistrar sshTunnelMetricsRegistrar(ObjectProvider<SshTunnelMetrics> metrics) {
		return new SshTunnelMetricsRegistrar(metrics);
	}

}

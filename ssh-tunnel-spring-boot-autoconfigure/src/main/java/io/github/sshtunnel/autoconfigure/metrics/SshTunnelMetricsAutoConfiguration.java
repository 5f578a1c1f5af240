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
 * {@link AutoConfiguration Auto-configuration} of the SSH tunnel's Micrometer metrics.
 * The binder is also a tunnel listener, created with the tunnel, so that the connect time
 * of the first session is recorded too.
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
	SshTunnelMetrics sshTunnelMetrics(ObjectProvider<SshTunnel> sshTunnel) {
		return new SshTunnelMetrics(sshTunnel::getObject);
	}

}

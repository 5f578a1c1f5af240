package io.github.sshtunnel.autoconfigure.health;

import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.CompositeHealthContributorConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.jdbc.SshTunnelDataSourceRouting;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.health.SshTunnelHealthIndicator;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@code sshTunnel} health
 * contributor, switched with {@code management.health.sshtunnel.enabled}: the tunnel's
 * indicator when there is one tunnel, a composite with one member per tunnel bean name
 * when there are more (as Boot shows several DataSources under {@code db}).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration(after = SshTunnelAutoConfiguration.class)
@ConditionalOnClass({ SshTunnelHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(SshTunnel.class)
@ConditionalOnEnabledHealthIndicator("sshtunnel")
public final class SshTunnelHealthContributorAutoConfiguration
		extends CompositeHealthContributorConfiguration<SshTunnelHealthIndicator, SshTunnel> {

	SshTunnelHealthContributorAutoConfiguration(ObjectProvider<SshTunnelDataSourceRouting> routings) {
		super((tunnel) -> new SshTunnelHealthIndicator(tunnel, routingDetails(routings, tunnel)));
	}

	private static Map<String, Object> routingDetails(ObjectProvider<SshTunnelDataSourceRouting> routings,
			SshTunnel tunnel) {
		return routings.orderedStream()
			.filter((routing) -> routing.tunnel() == tunnel)
			.findFirst()
			.<Map<String, Object>>map((routing) -> Map.of("datasource", routing.mode().name().toLowerCase(Locale.ROOT)))
			.orElse(Map.of());
	}

	@Bean
	@ConditionalOnMissingBean(name = { "sshTunnelHealthIndicator", "sshTunnelHealthContributor" })
	HealthContributor sshTunnelHealthIndicator(ConfigurableListableBeanFactory beanFactory) {
		return createContributor(beanFactory, SshTunnel.class);
	}

}

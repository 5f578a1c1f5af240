package io.github.sshtunnel.autoconfigure.health;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.health.SshTunnelHealthIndicator;

/**
 * {@link AutoConfiguration Auto-configuration} of the {@code sshTunnel} health indicator,
 * switched with {@code management.health.sshtunnel.enabled}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration(after = SshTunnelAutoConfiguration.class)
@ConditionalOnClass({ SshTunnelHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(SshTunnel.class)
@ConditionalOnEnabledHealthIndicator("sshtunnel")
public final class SshTunnelHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "sshTunnelHealthIndicator", "sshTunnelHealthContributor" })
	SshTunnelHealthIndicator sshTunnelHealthIndicator(SshTunnel sshTunnel) {
		return new SshTunnelHealthIndicator(sshTunnel);
	}

}

package io.github.sshtunnel.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link AutoConfiguration Auto-configuration} that masks the tunnel's secrets in
 * {@code /actuator/env} and {@code /actuator/configprops} whenever the starter is on the
 * classpath: also when the tunnel is disabled or not configured, because the secrets may
 * still sit in the environment.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
public final class SshTunnelSanitizingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "sshTunnelSanitizingFunction")
	SshTunnelSanitizingFunction sshTunnelSanitizingFunction() {
		return new SshTunnelSanitizingFunction();
	}

}

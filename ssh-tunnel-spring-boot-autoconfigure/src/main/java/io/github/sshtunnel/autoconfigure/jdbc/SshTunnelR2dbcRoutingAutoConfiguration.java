package io.github.sshtunnel.autoconfigure.jdbc;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.context.annotation.Bean;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.SshTunnelPortModeForwards;
import io.github.sshtunnel.core.SshTunnel;

/**
 * {@link AutoConfiguration Auto-configuration} for {@code ssh.tunnel.r2dbc.enabled}.
 * R2DBC drivers (r2dbc-postgresql, r2dbc-mariadb, ... on Netty) take no JDK socket
 * factory, so {@code spring.r2dbc.url} is routed in {@code port} mode: the
 * {@code sshTunnel} bean gets a local forward per host:port of the URL ({@code r2dbc},
 * {@code r2dbc-2}, ...) and the ConnectionFactory connects to their local ends, the
 * property kept as written.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration(after = SshTunnelAutoConfiguration.class,
		beforeName = "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration")
@ConditionalOnClass(R2dbcConnectionDetails.class)
@ConditionalOnBooleanProperty(name = "ssh.tunnel.enabled", matchIfMissing = true)
@ConditionalOnProperty("ssh.tunnel.host")
@ConditionalOnBooleanProperty("ssh.tunnel.r2dbc.enabled")
@EnableConfigurationProperties(R2dbcProperties.class)
public final class SshTunnelR2dbcRoutingAutoConfiguration {

	private static final Log logger = LogFactory.getLog(SshTunnelR2dbcRoutingAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(R2dbcConnectionDetails.class)
	R2dbcConnectionDetails sshTunnelR2dbcConnectionDetails(@Qualifier("sshTunnel") SshTunnel tunnel,
			R2dbcProperties properties, SshTunnelPortModeForwards portModeForwards) {
		logger.info("R2DBC ConnectionFactory is routed through SSH tunnel 'sshTunnel' in port mode (local forwards "
				+ SshTunnelPortModeForwards.R2DBC + "...; R2DBC drivers take no socket factory)");
		return new SshTunnelR2dbcConnectionDetails(properties, tunnel, portModeForwards);
	}

}

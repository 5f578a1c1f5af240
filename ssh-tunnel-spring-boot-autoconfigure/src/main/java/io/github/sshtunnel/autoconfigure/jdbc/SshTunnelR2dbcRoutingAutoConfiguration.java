package io.github.sshtunnel.autoconfigure.jdbc;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * {@link AutoConfiguration Auto-configuration} for {@code ssh.tunnel.r2dbc.enabled}.
 * R2DBC drivers (r2dbc-postgresql, r2dbc-mariadb, ... on Netty) take no JDK socket
 * factory, so {@code spring.r2dbc.url} can only be routed in {@code port} mode, which
 * this version does not provide yet: start-up fails with that message rather than
 * connecting around the tunnel.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration(after = SshTunnelAutoConfiguration.class,
		beforeName = "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration")
@ConditionalOnBooleanProperty(name = "ssh.tunnel.enabled", matchIfMissing = true)
@ConditionalOnProperty("ssh.tunnel.host")
@ConditionalOnBooleanProperty("ssh.tunnel.r2dbc.enabled")
public final class SshTunnelR2dbcRoutingAutoConfiguration {

	@Bean
	Object sshTunnelR2dbcRouting() {
		// PORT MODE PLUGS IN HERE for spring.r2dbc.url (a local forward per host:port and
		// R2dbcConnectionDetails with the rewritten URL)
		throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
				"ssh.tunnel.r2dbc.enabled is true, but R2DBC drivers take no socket factory and the port mode they "
						+ "need is not available in this version",
				"Set ssh.tunnel.r2dbc.enabled to false, declare a forward in ssh.tunnel.forwards and point "
						+ "spring.r2dbc.url at ${local.ssh.tunnel.forwards.<name>.port}.");
	}

}

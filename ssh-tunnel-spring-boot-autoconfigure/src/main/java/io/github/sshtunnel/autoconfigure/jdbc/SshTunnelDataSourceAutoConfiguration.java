package io.github.sshtunnel.autoconfigure.jdbc;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.github.sshtunnel.autoconfigure.SshTunnelAutoConfiguration;
import io.github.sshtunnel.autoconfigure.SshTunnelDataSourceProperties;
import io.github.sshtunnel.autoconfigure.SshTunnelDataSourceProperties.Mode;
import io.github.sshtunnel.autoconfigure.SshTunnelPortModeForwards;
import io.github.sshtunnel.core.SshTunnel;

/**
 * {@link AutoConfiguration Auto-configuration} that routes the auto-configured DataSource
 * through the {@code sshTunnel} bean when {@code ssh.tunnel.datasource.enabled} is true:
 * {@code spring.datasource.url} stays as written, and the connection details that Boot's
 * DataSource (whatever the pool) and Flyway (also with its own {@code spring.flyway.url})
 * connect with carry the driver's socket-factory settings ({@code socket} mode) or point
 * at the tunnel's local forwards ({@code port} mode, see
 * {@link SshTunnelPortModeForwards}). With {@code ssh.tunnel.enabled=false} nothing
 * changes.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration(after = SshTunnelAutoConfiguration.class,
		beforeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration" })
@ConditionalOnClass(JdbcConnectionDetails.class)
@ConditionalOnBooleanProperty(name = "ssh.tunnel.enabled", matchIfMissing = true)
@ConditionalOnProperty("ssh.tunnel.host")
@ConditionalOnBooleanProperty("ssh.tunnel.datasource.enabled")
@EnableConfigurationProperties(DataSourceProperties.class)
public final class SshTunnelDataSourceAutoConfiguration {

	private static final String TUNNEL = "sshTunnel";

	@Bean
	@ConditionalOnMissingBean
	SshTunnelDataSourceRouting sshTunnelDataSourceRouting(@Qualifier(TUNNEL) SshTunnel tunnel,
			DataSourceProperties properties, Environment environment, SshTunnelPortModeForwards portModeForwards) {
		Mode mode = Binder.get(environment)
			.bind("ssh.tunnel.datasource", SshTunnelDataSourceProperties.class)
			.orElseGet(SshTunnelDataSourceProperties::new)
			.getMode();
		return SshTunnelDataSourceRouting.choose(TUNNEL, tunnel, mode, properties.getUrl(), portModeForwards);
	}

	@Bean
	@ConditionalOnMissingBean(JdbcConnectionDetails.class)
	JdbcConnectionDetails sshTunnelJdbcConnectionDetails(DataSourceProperties properties,
			SshTunnelDataSourceRouting routing) {
		return new SshTunnelJdbcConnectionDetails(properties, routing);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(FlywayConnectionDetails.class)
	@EnableConfigurationProperties(FlywayProperties.class)
	static class FlywayConfiguration {

		@Bean
		@ConditionalOnMissingBean(FlywayConnectionDetails.class)
		FlywayConnectionDetails sshTunnelFlywayConnectionDetails(FlywayProperties properties,
				SshTunnelDataSourceRouting routing) {
			return new SshTunnelFlywayConnectionDetails(properties, routing);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(LiquibaseConnectionDetails.class)
	@EnableConfigurationProperties(LiquibaseProperties.class)
	static class LiquibaseConfiguration {

		@Bean
		@ConditionalOnMissingBean(LiquibaseConnectionDetails.class)
		LiquibaseConnectionDetails sshTunnelLiquibaseConnectionDetails(LiquibaseProperties properties,
				SshTunnelDataSourceRouting routing) {
			return new SshTunnelLiquibaseConnectionDetails(properties, routing);
		}

	}

}

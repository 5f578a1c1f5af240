package io.github.sshtunnel.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelSettings;

/**
 * {@link AutoConfiguration Auto-configuration} of the SSH tunnel: opens it when
 * {@code ssh.tunnel.host} is set, before any DataSource, R2DBC ConnectionFactory, Flyway
 * or Liquibase bean, and closes it after them.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "ssh.tunnel.enabled", matchIfMissing = true)
@ConditionalOnProperty("ssh.tunnel.host")
@EnableConfigurationProperties(SshTunnelProperties.class)
public final class SshTunnelAutoConfiguration {

	@Bean
	static SshTunnelDependsOnBeanFactoryPostProcessor sshTunnelDependsOnBeanFactoryPostProcessor() {
		return new SshTunnelDependsOnBeanFactoryPostProcessor();
	}

	@Bean
	@ConditionalOnMissingBean
	SshTunnel sshTunnel(SshTunnelProperties properties, ResourceLoader resourceLoader, Environment environment,
			ObjectProvider<SshClientCustomizer> customizers, ObjectProvider<SshTunnelListener> listeners,
			ApplicationEventPublisher eventPublisher) {
		TunnelSettings settings = new SshTunnelSettingsFactory(resourceLoader).create(properties);
		SshTunnel tunnel = new SshTunnel(settings, customizers.orderedStream().toList());
		listeners.orderedStream().forEach(tunnel::addListener);
		SshTunnelEventPublisher events = new SshTunnelEventPublisher(eventPublisher);
		events.setTunnel(tunnel);
		tunnel.addListener(events);
		tunnel.open();
		SshTunnelPortsPropertySource.publish(environment, tunnel);
		return tunnel;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.zaxxer.hikari.HikariDataSource")
	static class HikariConfiguration {

		@Bean
		static SshTunnelPoolEvictor sshTunnelPoolEvictor(ObjectProvider<DataSource> dataSources) {
			return new SshTunnelPoolEvictor(dataSources);
		}

	}

}

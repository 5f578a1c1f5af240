package io.github.sshtunnel.autoconfigure;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelListener;

/**
 * {@link AutoConfiguration Auto-configuration} of SSH tunnels: the {@code sshTunnel} bean
 * from {@code ssh.tunnel.*} when {@code ssh.tunnel.host} is set, an
 * {@link SshTunnelFactory} for tunnels that the application defines as beans, and for
 * every {@link SshTunnel} bean, whoever defined it: opened before any DataSource, R2DBC
 * ConnectionFactory, Flyway or Liquibase bean, closed after them.
 * <p>
 * The {@code sshTunnel} bean backs off only when a bean of that name exists; tunnels of
 * other names live next to it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@AutoConfiguration
public final class SshTunnelAutoConfiguration {

	@Bean
	static SshTunnelDependsOnBeanFactoryPostProcessor sshTunnelDependsOnBeanFactoryPostProcessor() {
		return new SshTunnelDependsOnBeanFactoryPostProcessor();
	}

	@Bean
	static SshTunnelBeanPostProcessor sshTunnelBeanPostProcessor(Environment environment,
			ApplicationEventPublisher eventPublisher, ObjectProvider<SshTunnelFactory> factory) {
		return new SshTunnelBeanPostProcessor(environment, eventPublisher, factory);
	}

	@Bean
	@ConditionalOnMissingBean
	SshTunnelFactory sshTunnelFactory(ResourceLoader resourceLoader, ConfigurableApplicationContext context,
			ObjectProvider<SshClientCustomizer> customizers, ObjectProvider<SshTunnelListener> listeners) {
		return new SshTunnelFactory(resourceLoader, context, customizers, listeners);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "ssh.tunnel.enabled", matchIfMissing = true)
	@ConditionalOnProperty("ssh.tunnel.host")
	@EnableConfigurationProperties(SshTunnelProperties.class)
	static class DefaultTunnelConfiguration {

		/**
		 * Name under which {@code @EnableConfigurationProperties} registers the
		 * {@code ssh.tunnel} properties; looked up by name because an application that
		 * defines more tunnels may have more {@link SshTunnelProperties} beans.
		 */
		static final String PROPERTIES_BEAN = "ssh.tunnel-" + SshTunnelProperties.class.getName();

		@Bean
		@ConditionalOnMissingBean
		SshTunnelPortModeForwards sshTunnelPortModeForwards(Environment environment) {
			return SshTunnelPortModeForwards.of(environment);
		}

		@Bean
		@ConditionalOnMissingBean(name = "sshTunnel")
		SshTunnel sshTunnel(SshTunnelFactory factory, ConfigurableListableBeanFactory beanFactory,
				SshTunnelPortModeForwards portModeForwards) {
			return factory.create(beanFactory.getBean(PROPERTIES_BEAN, SshTunnelProperties.class),
					portModeForwards.forwards());
		}

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

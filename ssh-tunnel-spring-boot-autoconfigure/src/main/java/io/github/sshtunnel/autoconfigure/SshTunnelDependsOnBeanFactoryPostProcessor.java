package io.github.sshtunnel.autoconfigure;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import io.github.sshtunnel.core.SshTunnel;

/**
 * Makes every bean that opens database connections depend on every {@link SshTunnel}
 * bean: DataSources (auto-configured or user-defined), R2DBC ConnectionFactories, Flyway
 * and Liquibase (which may open their own connection), and the properties they bind URLs
 * from. The tunnel is therefore created, and its ports published, before any of them, and
 * destroyed after them.
 * <p>
 * {@code @AutoConfiguration(before = ...)} would only order bean definitions; user
 * configuration is still created first. Depends-on edges order creation and destruction
 * for every bean, whoever defines it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelDependsOnBeanFactoryPostProcessor implements BeanFactoryPostProcessor, Ordered {

	static final List<String> DEPENDENT_TYPES = List.of("javax.sql.DataSource", "io.r2dbc.spi.ConnectionFactory",
			"org.flywaydb.core.Flyway", "liquibase.integration.spring.SpringLiquibase",
			"org.springframework.boot.jdbc.autoconfigure.DataSourceProperties",
			"org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails",
			"org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties",
			"org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails",
			"org.springframework.boot.flyway.autoconfigure.FlywayProperties",
			"org.springframework.boot.liquibase.autoconfigure.LiquibaseProperties");

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		String[] tunnels = BeanFactoryUtils.beanNamesForTypeIncludingAncestors(beanFactory, SshTunnel.class, true,
				false);
		if (tunnels.length == 0) {
			return;
		}
		ClassLoader classLoader = beanFactory.getBeanClassLoader();
		for (String typeName : DEPENDENT_TYPES) {
			if (!ClassUtils.isPresent(typeName, classLoader)) {
				continue;
			}
			Class<?> type = ClassUtils.resolveClassName(typeName, classLoader);
			for (String name : beanNames(beanFactory, type)) {
				if (!beanFactory.containsBeanDefinition(name)) {
					continue;
				}
				BeanDefinition definition = beanFactory.getBeanDefinition(name);
				Set<String> dependsOn = new LinkedHashSet<>();
				if (definition.getDependsOn() != null) {
					dependsOn.addAll(Arrays.asList(definition.getDependsOn()));
				}
				dependsOn.addAll(Arrays.asList(tunnels));
				definition.setDependsOn(StringUtils.toStringArray(dependsOn));
			}
		}
	}

	private static Set<String> beanNames(ConfigurableListableBeanFactory beanFactory, Class<?> type) {
		Set<String> names = new LinkedHashSet<>();
		for (String name : beanFactory.getBeanNamesForType(type, true, false)) {
			names.add(BeanFactoryUtils.transformedBeanName(name));
		}
		return names;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

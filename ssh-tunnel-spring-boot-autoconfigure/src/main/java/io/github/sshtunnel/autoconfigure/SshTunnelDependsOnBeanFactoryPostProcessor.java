package io.github.sshtunnel.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

import io.github.sshtunnel.core.SshTunnel;

/**
 * Makes every bean that opens database connections depend on every {@link SshTunnel}
 * bean, whoever defined either: DataSources, R2DBC ConnectionFactories, Flyway and
 * Liquibase (which may open their own connection), and the Boot beans they bind URLs
 * from. Every tunnel is therefore opened, and its ports published, before any of them is
 * created, and closed after they are destroyed.
 * <p>
 * {@code @AutoConfiguration(before = ...)} would only order bean definitions; user
 * configuration is still created first. Depends-on edges order creation and destruction
 * for every bean. Each type gets Boot's
 * {@link AbstractDependsOnBeanFactoryPostProcessor}, as Boot makes JPA wait for Flyway; a
 * type whose class is not on the classpath has no beans and is skipped. The names are
 * checked against the classes they stand for by
 * {@code SshTunnelDependsOnBeanFactoryPostProcessorTests}, which fails when one
 * disappears or moves.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelDependsOnBeanFactoryPostProcessor implements BeanFactoryPostProcessor, Ordered {

	/**
	 * Types whose beans open database connections, or bind the URL they connect to.
	 */
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
		for (DependsOnSshTunnels dependsOn : dependsOn(beanFactory.getBeanClassLoader())) {
			dependsOn.postProcessBeanFactory(beanFactory);
		}
	}

	static List<DependsOnSshTunnels> dependsOn(ClassLoader classLoader) {
		List<DependsOnSshTunnels> postProcessors = new ArrayList<>();
		for (String typeName : DEPENDENT_TYPES) {
			if (ClassUtils.isPresent(typeName, classLoader)) {
				postProcessors.add(new DependsOnSshTunnels(ClassUtils.resolveClassName(typeName, classLoader)));
			}
		}
		return postProcessors;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	/**
	 * Makes every bean of one type depend on every {@link SshTunnel} bean.
	 */
	static final class DependsOnSshTunnels extends AbstractDependsOnBeanFactoryPostProcessor {

		private final Class<?> type;

		DependsOnSshTunnels(Class<?> type) {
			super(type, SshTunnel.class);
			this.type = type;
		}

		Class<?> type() {
			return this.type;
		}

	}

}

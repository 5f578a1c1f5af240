package io.github.sshtunnel.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.util.ClassUtils;

import io.github.sshtunnel.core.SshTunnel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SshTunnelDependsOnBeanFactoryPostProcessor}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelDependsOnBeanFactoryPostProcessorTests {

	private final ClassLoader classLoader = getClass().getClassLoader();

	@Test
	void everyDependentTypeNameIsAClassOfItsLibrary() {
		// the test classpath holds every library: a name that Boot or a library renames
		// or removes would otherwise be skipped silently
		assertThat(SshTunnelDependsOnBeanFactoryPostProcessor.DEPENDENT_TYPES)
			.allSatisfy((name) -> assertThat(ClassUtils.isPresent(name, this.classLoader)).as(name).isTrue());
		assertThat(SshTunnelDependsOnBeanFactoryPostProcessor.dependsOn(this.classLoader))
			.hasSameSizeAs(SshTunnelDependsOnBeanFactoryPostProcessor.DEPENDENT_TYPES);
	}

	@Test
	void everyBeanOfADependentTypeDependsOnEveryTunnel() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("sshTunnel", new RootBeanDefinition(SshTunnel.class));
		beanFactory.registerBeanDefinition("reportingTunnel", new RootBeanDefinition(SshTunnel.class));
		for (String typeName : SshTunnelDependsOnBeanFactoryPostProcessor.DEPENDENT_TYPES) {
			RootBeanDefinition definition = new RootBeanDefinition();
			definition.setTargetType(ClassUtils.resolveClassName(typeName, this.classLoader));
			definition.setDependsOn("somethingElse");
			beanFactory.registerBeanDefinition(typeName, definition);
		}
		new SshTunnelDependsOnBeanFactoryPostProcessor().postProcessBeanFactory(beanFactory);
		for (String typeName : SshTunnelDependsOnBeanFactoryPostProcessor.DEPENDENT_TYPES) {
			assertThat(beanFactory.getBeanDefinition(typeName).getDependsOn()).as(typeName)
				.containsExactlyInAnyOrder("somethingElse", "sshTunnel", "reportingTunnel");
		}
		assertThat(beanFactory.getBeanDefinition("sshTunnel").getDependsOn()).isNullOrEmpty();
	}

	@Test
	void withoutTunnelsNothingChanges() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		RootBeanDefinition definition = new RootBeanDefinition();
		definition.setTargetType(javax.sql.DataSource.class);
		beanFactory.registerBeanDefinition("dataSource", definition);
		new SshTunnelDependsOnBeanFactoryPostProcessor().postProcessBeanFactory(beanFactory);
		assertThat(beanFactory.getBeanDefinition("dataSource").getDependsOn()).isNullOrEmpty();
	}

}

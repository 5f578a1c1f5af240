package io.github.sshtunnel.autoconfigure;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SshTunnelBackgroundPreinitializer}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelBackgroundPreinitializerTests {

	@Test
	void isRegisteredWithBootsBackgroundPreinitialization() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(BackgroundPreinitializer.class))
			.hasAtLeastOneElementOfType(SshTunnelBackgroundPreinitializer.class);
	}

	@Test
	void preinitializesTwiceWithoutLeavingAThread() {
		SshTunnelBackgroundPreinitializer preinitializer = new SshTunnelBackgroundPreinitializer();
		preinitializer.preinitialize();
		preinitializer.preinitialize();
		assertThat(Thread.getAllStackTraces().keySet())
			.noneMatch((thread) -> thread.isAlive() && thread.getName().startsWith("ssh-tunnel-"));
	}

	@Test
	void postProcessorsShareNoStaticMutableState() {
		List<Class<?>> postProcessors = List.of(SshTunnelBackgroundPreinitializer.class,
				SshTunnelPortsEnvironmentPostProcessor.class,
				SshTunnelPortsEnvironmentPostProcessor.PendingPortsPropertySource.class,
				SshTunnelDependsOnBeanFactoryPostProcessor.class, SshTunnelBeanPostProcessor.class,
				SshTunnelPortsPropertySource.class, SshTunnelFactory.class);
		for (Class<?> type : postProcessors) {
			for (Field field : type.getDeclaredFields()) {
				if (Modifier.isStatic(field.getModifiers()) && !field.isSynthetic()) {
					assertThat(Modifier.isFinal(field.getModifiers()))
						.as("static field %s.%s is final", type.getSimpleName(), field.getName())
						.isTrue();
				}
			}
		}
	}

}

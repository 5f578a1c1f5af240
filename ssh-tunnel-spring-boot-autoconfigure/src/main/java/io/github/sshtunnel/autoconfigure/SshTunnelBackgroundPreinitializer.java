package io.github.sshtunnel.autoconfigure;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;

import io.github.sshtunnel.core.SshTunnel;

/**
 * Runs {@link SshTunnel#preinitialize()} on Spring Boot's background pre-initialization
 * thread, while the application context is still being prepared, so that the first tunnel
 * does not pay for loading the SSH client and registering Bouncy Castle on the main
 * thread (the measured effect is in {@code docs/performance.md}).
 * <p>
 * Whenever the starter is on the classpath, as Boot's own pre-initializers run whenever
 * their library is: a pre-initializer is created by {@code SpringFactoriesLoader} and
 * sees no Environment, and tunnels that the application defines as beans cannot be told
 * from properties anyway. Boot skips every background pre-initializer on a single CPU, in
 * a native image and with {@code -Dspring.backgroundpreinitializer.ignore=true}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelBackgroundPreinitializer implements BackgroundPreinitializer {

	@Override
	public void preinitialize() {
		SshTunnel.preinitialize();
	}

}

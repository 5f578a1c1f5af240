package io.github.sshtunnel.autoconfigure;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;

import io.github.sshtunnel.core.SshTunnel;

/**
 * Runs {@link SshTunnel#preinitialize()} on Spring Boot's background pre-initialization
 * thread, while the application context is still being prepared, so that the first tunnel
 * does not pay for loading the SSH client and registering Bouncy Castle on the main
 * thread (measured in a minimal application on 2 cores: the tunnel bean took 761 ms
 * instead of 1292 ms, see {@code docs/performance.md}).
 * <p>
 * Only when an application in this JVM has a tunnel configured ({@code ssh.tunnel.host}
 * set, {@code ssh.tunnel.enabled} not {@code false}); Boot skips every background
 * pre-initializer on a single CPU, in a native image and with
 * {@code -Dspring.backgroundpreinitializer.ignore=true}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelBackgroundPreinitializer implements BackgroundPreinitializer {

	/**
	 * Set by {@link SshTunnelPortsEnvironmentPostProcessor}, which runs before Boot
	 * starts the background pre-initialization.
	 */
	static volatile boolean tunnelConfigured;

	@Override
	public void preinitialize() {
		if (tunnelConfigured) {
			SshTunnel.preinitialize();
		}
	}

}

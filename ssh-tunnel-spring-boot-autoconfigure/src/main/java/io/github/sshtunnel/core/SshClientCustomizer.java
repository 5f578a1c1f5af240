package io.github.sshtunnel.core;

import org.apache.sshd.client.SshClient;

/**
 * Callback for power users to adjust the Apache MINA SSHD {@link SshClient} of a tunnel
 * before it starts, for example its ciphers or {@code CoreModuleProperties}. Runs after
 * the tunnel applied its own safe defaults; whatever a customizer weakens is on the
 * customizer.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@FunctionalInterface
public interface SshClientCustomizer {

	/**
	 * Customize the client.
	 * @param client the client, not started yet
	 */
	void customize(SshClient client);

}

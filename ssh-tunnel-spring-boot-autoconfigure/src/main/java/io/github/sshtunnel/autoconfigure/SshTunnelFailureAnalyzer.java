package io.github.sshtunnel.autoconfigure;

import java.util.Set;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.sshtunnel.core.SshTunnelException;

/**
 * Turns an {@link SshTunnelException} at start-up into Boot's "APPLICATION FAILED TO
 * START" report: the description names the tunnel (its bean) and says what happened, the
 * action names the property to fix.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelFailureAnalyzer extends AbstractFailureAnalyzer<SshTunnelException> {

	/**
	 * Beans that route a DataSource or R2DBC through the tunnel
	 * ({@code ssh.tunnel.datasource}, {@code ssh.tunnel.r2dbc}, and the port-mode
	 * forwards planned for them): their failures are about routing, not about opening.
	 */
	private static final Set<String> ROUTING_BEANS = Set.of("sshTunnelDataSourceRouting", "sshTunnelPortModeForwards");

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SshTunnelException cause) {
		String tunnel = tunnelName(rootFailure, cause);
		String subject;
		if (tunnel != null && ROUTING_BEANS.contains(tunnel)) {
			subject = "The database could not be routed through the SSH tunnel";
		}
		else {
			subject = ((tunnel != null) ? "The SSH tunnel '" + tunnel + "'" : "The SSH tunnel") + " could not be opened"
					+ ((cause.getJumpHost() != null) ? " at " + cause.getJumpHost() : "");
		}
		return new FailureAnalysis(subject + " (" + cause.getReason() + "):\n\n    " + cause.getMessage(),
				cause.getAction(), cause);
	}

	/**
	 * Return the name of the bean whose creation failed with the cause: the innermost
	 * bean creation around it, which is the tunnel (a DataSource that waited for it is
	 * further out).
	 */
	private static String tunnelName(Throwable rootFailure, SshTunnelException cause) {
		String name = null;
		for (Throwable candidate = rootFailure; candidate != null
				&& candidate != cause; candidate = candidate.getCause()) {
			if (candidate instanceof BeanCreationException creation && creation.getBeanName() != null) {
				name = creation.getBeanName();
			}
		}
		return name;
	}

}

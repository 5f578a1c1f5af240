package io.github.sshtunnel.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.github.sshtunnel.core.SshTunnelException;

/**
 * Turns an {@link SshTunnelException} at start-up into Boot's "APPLICATION FAILED TO
 * START" report: the description says what happened, the action names the property to
 * fix.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelFailureAnalyzer extends AbstractFailureAnalyzer<SshTunnelException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SshTunnelException cause) {
		return new FailureAnalysis(
				"The SSH tunnel could not be opened (" + cause.getReason() + "):\n\n    " + cause.getMessage(),
				cause.getAction(), cause);
	}

}

package io.github.sshtunnel.core.session;

import java.time.Instant;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.TunnelSettings;

/**
 * Liveness as the keepalive watchdog sees it: replies overdue make the session
 * unresponsive, a reply makes it connected again, and too many missing replies end it
 * hard (queued writes are dropped) so that the reconnect starts at once.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class Liveness implements KeepaliveWatchdog.Listener {

	private static final Logger logger = LoggerFactory.getLogger(SessionSupervisor.class);

	private final TunnelSettings settings;

	private final TunnelLifecycle lifecycle;

	private final SessionEvents sessionEvents;

	Liveness(TunnelSettings settings, TunnelLifecycle lifecycle, SessionEvents sessionEvents) {
		this.settings = settings;
		this.lifecycle = lifecycle;
		this.sessionEvents = sessionEvents;
	}

	@Override
	public void overdue(ClientSession watched, Instant lastReply) {
		if (this.lifecycle.unresponsive(watched)) {
			logger.warn("SSH server {} has not answered keepalive requests since {}",
					this.settings.getServerDisplayName(), lastReply);
		}
	}

	@Override
	public void answered(ClientSession watched) {
		if (this.lifecycle.responsive(watched)) {
			logger.info("SSH server {} answers keepalive requests again", this.settings.getServerDisplayName());
		}
	}

	@Override
	public void dead(ClientSession watched, SshException cause) {
		this.sessionEvents.declareDead(watched, cause);
		watched.close(true);
	}

}

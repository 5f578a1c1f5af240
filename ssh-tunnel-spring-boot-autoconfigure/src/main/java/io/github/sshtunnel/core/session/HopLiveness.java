package io.github.sshtunnel.core.session;

import java.time.Instant;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.sshtunnel.core.JumpHost;
import io.github.sshtunnel.core.TunnelSettings;

/**
 * What the keepalive watchdog of a jump host concludes: a hop that stops answering is
 * closed, which closes the whole chain (see {@code core.connect.Route}) and so starts the
 * reconnect of the server's session.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class HopLiveness implements KeepaliveWatchdog.Listener {

	private static final Logger logger = LoggerFactory.getLogger(SessionSupervisor.class);

	private final String hop;

	HopLiveness(int position, TunnelSettings settings) {
		JumpHost jumpHost = settings.getJumpHosts().get(position - 1);
		this.hop = "jump host " + position + " of " + settings.getJumpHosts().size() + ", " + jumpHost.getHost() + ":"
				+ jumpHost.getPort();
	}

	@Override
	public void overdue(ClientSession watched, Instant lastReply) {
		logger.warn("SSH {} has not answered keepalive requests since {}", this.hop, lastReply);
	}

	@Override
	public void answered(ClientSession watched) {
		logger.info("SSH {} answers keepalive requests again", this.hop);
	}

	@Override
	public void dead(ClientSession watched, SshException cause) {
		logger.warn("SSH {} is closed: {}", this.hop, cause.getMessage());
		watched.close(true);
	}

}

package io.github.sshtunnel.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.github.sshtunnel.core.AuthenticationUsed;
import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelState;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator} of an
 * {@link SshTunnel}: {@code UP} when the SSH session is open and authenticated and every
 * forward is bound, {@code DOWN} with the reason otherwise. Details never hold a secret.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelHealthIndicator extends AbstractHealthIndicator {

	private final SshTunnel tunnel;

	private final Map<String, Object> routing;

	public SshTunnelHealthIndicator(SshTunnel tunnel) {
		this(tunnel, Map.of());
	}

	/**
	 * Create an indicator that also shows how DataSources are routed through the tunnel.
	 * @param tunnel the tunnel
	 * @param routing fixed details, such as {@code datasource: socket}
	 */
	public SshTunnelHealthIndicator(SshTunnel tunnel, Map<String, Object> routing) {
		super("SSH tunnel health check failed");
		this.tunnel = tunnel;
		this.routing = Map.copyOf(routing);
	}

	private static List<Map<String, Object>> jumpHostAuthentication(TunnelState state) {
		List<Map<String, Object>> hops = new ArrayList<>();
		for (int i = 0; i < state.jumpHostAuthentications().size(); i++) {
			AuthenticationUsed used = state.jumpHostAuthentications().get(i);
			Map<String, Object> hop = new LinkedHashMap<>();
			if (i < state.jumpHosts().size()) {
				hop.put("jumpHost", state.jumpHosts().get(i));
			}
			hop.put("authMethod", used.method());
			if (used.keyFingerprint() != null) {
				hop.put("keyFingerprint", used.keyFingerprint());
			}
			hops.add(hop);
		}
		return hops;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		TunnelState state = this.tunnel.state();
		if (state.isUp()) {
			builder.up();
		}
		else {
			builder.down().withDetail("reason", reason(state));
		}
		builder.withDetail("host", state.host())
			.withDetail("port", state.port())
			.withDetail("username", state.username())
			.withDetail("session", state.status().name());
		if (!state.jumpHosts().isEmpty()) {
			builder.withDetail("jumpHosts", state.jumpHosts());
		}
		if (state.hostKeyFingerprint() != null) {
			builder.withDetail("hostKeyFingerprint", state.hostKeyFingerprint());
		}
		if (state.authentication() != null) {
			builder.withDetail("authMethod", state.authentication().method());
			if (state.authentication().keyFingerprint() != null) {
				builder.withDetail("keyFingerprint", state.authentication().keyFingerprint());
			}
		}
		if (!state.jumpHostAuthentications().isEmpty()) {
			builder.withDetail("jumpHostAuthentication", jumpHostAuthentication(state));
		}
		if (state.connectedSince() != null) {
			builder.withDetail("connectedSince", state.connectedSince().toString());
		}
		if (state.lastKeepaliveReply() != null) {
			builder.withDetail("lastKeepaliveReply", state.lastKeepaliveReply().toString());
		}
		builder.withDetail("reconnects", state.reconnects());
		builder.withDetail("keyExchanges", state.keyExchanges());
		if (state.lastError() != null) {
			builder.withDetail("lastError", state.lastError());
		}
		Map<String, Object> forwards = new LinkedHashMap<>();
		for (ForwardState forward : state.forwards()) {
			Map<String, Object> details = new LinkedHashMap<>();
			if (forward.isInProcess()) {
				details.put("mode", "socket");
			}
			else {
				details.put("localAddress", forward.localHost());
				details.put("localPort", forward.localPort());
			}
			details.put("remoteHost", forward.remoteHost());
			details.put("remotePort", forward.remotePort());
			details.put("activeConnections", forward.activeConnections());
			forwards.put(forward.name(), details);
		}
		builder.withDetail("forwards", forwards);
		builder.withDetails(this.routing);
	}

	private static String reason(TunnelState state) {
		return switch (state.status()) {
			case CONNECTED -> "forward not bound: " + state.forwards()
				.stream()
				.filter((forward) -> !forward.isBound() && !forward.isInProcess())
				.map(ForwardState::name)
				.toList();
			case UNRESPONSIVE -> "SSH server has not answered keepalive requests since " + state.lastKeepaliveReply();
			case CONNECTING -> "SSH session is connecting";
			case NEW -> "SSH tunnel is not open yet";
			case CLOSED -> "SSH tunnel is closed";
			case DISCONNECTED -> (state.lastError() != null) ? state.lastError() : "SSH session is down";
		};
	}

}

package io.github.sshtunnel.core;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks of {@link TunnelSettings.Builder#build()}: each failure names the property
 * to fix, as the user wrote it under {@code ssh.tunnel}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SettingsValidation {

	private SettingsValidation() {
	}

	static void forwards(List<ForwardSettings> forwards) {
		Set<String> names = new LinkedHashSet<>();
		Set<String> localEndpoints = new LinkedHashSet<>();
		for (ForwardSettings forward : forwards) {
			String prefix = "ssh.tunnel.forwards." + forward.name();
			require(forward.name() != null && !forward.name().isBlank() && names.add(forward.name()),
					"ssh.tunnel.forwards", "each forward needs a unique name");
			require(forward.localHost() != null && !forward.localHost().isBlank(), prefix + ".local-host",
					"must not be empty");
			requirePort(forward.localPort(), prefix + ".local-port", true);
			require(forward.remoteHost() != null && !forward.remoteHost().isBlank(), prefix + ".remote-host",
					"must not be empty");
			requirePort(forward.remotePort(), prefix + ".remote-port", false);
			if (forward.localPort() != 0) {
				require(localEndpoints.add(forward.localHost() + ":" + forward.localPort()), prefix + ".local-port",
						"is used by another forward");
			}
		}
	}

	static void jumpHosts(List<JumpHost> jumpHosts) {
		for (int i = 0; i < jumpHosts.size(); i++) {
			JumpHost hop = jumpHosts.get(i);
			String prefix = "ssh.tunnel.jump-hosts[" + i + "]";
			require(hop != null && hop.getHost() != null && !hop.getHost().isBlank(), prefix + ".host",
					"must not be empty");
			requirePort(hop.getPort(), prefix + ".port", false);
			require(hop.getUsername() == null || !hop.getUsername().isBlank(), prefix + ".username",
					"must not be blank");
		}
	}

	static void requirePort(int port, String property, boolean zeroAllowed) {
		int min = zeroAllowed ? 0 : 1;
		require(port >= min && port <= 65535, property, "must be between " + min + " and 65535 but was " + port
				+ (zeroAllowed ? " (0 picks a free port)" : ""));
	}

	static void requirePositive(Duration duration, String property) {
		require(duration != null && !duration.isNegative() && !duration.isZero(), property, "must be positive");
	}

	static void require(boolean condition, String property, String problem) {
		if (!condition) {
			throw new SshTunnelException(SshTunnelException.Reason.INVALID_CONFIGURATION,
					"Invalid SSH tunnel configuration: " + property + " " + problem + ".",
					"Set " + property + " to a valid value.");
		}
	}

}

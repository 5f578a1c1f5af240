package io.github.sshtunnel.core;

/**
 * How the SSH server's host key is checked, with the meaning of OpenSSH's
 * {@code StrictHostKeyChecking}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public enum HostKeyChecking {

	/**
	 * The host key must be in the known_hosts file (or match the pinned key); anything
	 * else is refused.
	 */
	YES,

	/**
	 * Trust on first use: an unknown host key is accepted and appended to the known_hosts
	 * file; a changed key is still refused.
	 */
	ACCEPT_NEW,

	/**
	 * Any host key is accepted. This makes the connection open to man-in-the-middle
	 * attacks.
	 */
	NO;

	/**
	 * Parse a value the way OpenSSH and YAML users write it: {@code yes}/{@code true},
	 * {@code accept-new}, {@code no}/{@code false}.
	 * @param value the text
	 * @return the mode, or {@code null} if the text is not one of the accepted values
	 */
	public static HostKeyChecking parse(String value) {
		if (value == null) {
			return null;
		}
		return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
			case "yes", "true", "on", "strict" -> YES;
			case "accept-new", "accept_new", "acceptnew" -> ACCEPT_NEW;
			case "no", "false", "off" -> NO;
			default -> null;
		};
	}

}

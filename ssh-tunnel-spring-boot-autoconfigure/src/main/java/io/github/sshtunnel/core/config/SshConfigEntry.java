package io.github.sshtunnel.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.sshtunnel.core.HostKeyChecking;

/**
 * The values of an OpenSSH client configuration file for one host, tokens ({@code %h %p
 * %r %u %d %n %k %%}), {@code ~} and {@code ${VAR}} expanded where OpenSSH expands them.
 * A component is {@code null} (or an empty list) when the file does not set it.
 *
 * @param host the host as given (an alias or a host name)
 * @param hostName the host to connect to ({@code HostName}, else the host given)
 * @param port {@code Port}
 * @param user {@code User}
 * @param identityFiles every {@code IdentityFile}, in the order obtained
 * @param certificateFiles every {@code CertificateFile}, in the order obtained
 * @param identityAgent {@code IdentityAgent}: a socket path, the word
 * {@code SSH_AUTH_SOCK}, or {@code none}
 * @param proxyJump {@code ProxyJump} in OpenSSH's syntax ({@code null} also for
 * {@code none})
 * @param userKnownHostsFiles the files of {@code UserKnownHostsFile}
 * @param strictHostKeyChecking {@code StrictHostKeyChecking}, in lower case
 * @param serverAliveInterval {@code ServerAliveInterval}
 * @param serverAliveCountMax {@code ServerAliveCountMax}
 * @param connectTimeout {@code ConnectTimeout}
 * @param origins for each keyword obtained (lower case), the file and line it came from
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public record SshConfigEntry(String host, String hostName, Integer port, String user, List<String> identityFiles,
		List<String> certificateFiles, String identityAgent, String proxyJump, List<String> userKnownHostsFiles,
		String strictHostKeyChecking, Duration serverAliveInterval, Integer serverAliveCountMax,
		Duration connectTimeout, Map<String, String> origins) {

	/**
	 * Return where a keyword's value came from.
	 * @param keyword the keyword, any case
	 * @return the file and line, or {@code null} if the file does not set it
	 */
	public String origin(String keyword) {
		return this.origins.get(keyword.toLowerCase(java.util.Locale.ROOT));
	}

	/**
	 * Map {@code StrictHostKeyChecking} onto the tunnel's modes: {@code yes} and
	 * {@code ask} (nobody can answer) are {@link HostKeyChecking#YES}; {@code accept-new}
	 * is {@link HostKeyChecking#ACCEPT_NEW}; {@code no} and {@code off} are
	 * {@link HostKeyChecking#ACCEPT_NEW} as well: a file never turns host key checking
	 * off (OpenSSH's {@code no} still refuses some changed keys), only the property
	 * {@code strict-host-key-checking=no} does.
	 * @return the mode, or {@code null} if the file does not set it
	 */
	public HostKeyChecking hostKeyChecking() {
		if (this.strictHostKeyChecking == null) {
			return null;
		}
		return switch (this.strictHostKeyChecking) {
			case "yes", "true", "ask" -> HostKeyChecking.YES;
			default -> HostKeyChecking.ACCEPT_NEW;
		};
	}

}

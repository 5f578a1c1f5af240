package io.github.sshtunnel.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.springframework.util.StringUtils;

import io.github.sshtunnel.core.CertificateSource;
import io.github.sshtunnel.core.JumpHost;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * Maps {@code ssh.tunnel.proxy-jump} (OpenSSH's {@code ProxyJump} syntax, in OpenSSH's
 * order) or {@code ssh.tunnel.jump-hosts[N]} to the tunnel's {@link JumpHost}s.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class JumpHostsMapping {

	static final String PROXY_JUMP = "ssh.tunnel.proxy-jump";

	static final String JUMP_HOSTS = "ssh.tunnel.jump-hosts";

	private JumpHostsMapping() {
	}

	/**
	 * Return the jump hosts of the properties, first hop first.
	 * @param properties the tunnel's properties
	 * @param privateKeys resolves a private-key value, given the property that holds it
	 * @param certificates resolves a certificate value (a location or the text)
	 * @return the jump hosts, empty for a direct connection
	 */
	static List<JumpHost> jumpHosts(SshTunnelProperties properties,
			BiFunction<String, String, PrivateKeySource> privateKeys,
			Function<String, CertificateSource> certificates) {
		boolean proxyJump = StringUtils.hasText(properties.getProxyJump());
		if (proxyJump && !properties.getJumpHosts().isEmpty()) {
			throw invalid(PROXY_JUMP + " and " + JUMP_HOSTS,
					"are both set; set only one of them (" + PROXY_JUMP + " for hops that log in with the tunnel's "
							+ "credentials, " + JUMP_HOSTS + " for settings per hop)");
		}
		if (proxyJump) {
			return parse(properties.getProxyJump());
		}
		List<JumpHost> hops = new ArrayList<>();
		for (int i = 0; i < properties.getJumpHosts().size(); i++) {
			JumpHostProperties hop = properties.getJumpHosts().get(i);
			String prefix = JUMP_HOSTS + "[" + i + "]";
			if (!StringUtils.hasText(hop.getHost())) {
				throw invalid(prefix + ".host", "must not be empty");
			}
			JumpHost.Builder builder = JumpHost.builder(hop.getHost().trim())
				.port(hop.getPort())
				.username(text(hop.getUsername()))
				.password(StringUtils.hasLength(hop.getPassword()) ? hop.getPassword() : null)
				.privateKeyPassphrase(hop.getPrivateKeyPassphrase())
				.identityAgent(text(hop.getIdentityAgent()))
				.hostKey(text(hop.getHostKey()));
			if (StringUtils.hasText(hop.getCertificate())) {
				builder.certificate(certificates.apply(hop.getCertificate().trim()));
			}
			if (StringUtils.hasText(hop.getPrivateKey())) {
				builder.privateKey(privateKeys.apply(hop.getPrivateKey().trim(), prefix + ".private-key"));
			}
			hops.add(builder.build());
		}
		return hops;
	}

	/**
	 * Parse OpenSSH's {@code ProxyJump} value: {@code [user@]host[:port][,...]}, IPv6
	 * addresses in brackets, {@code none} for no jump host.
	 * @param value the value
	 * @return the jump hosts, first hop first
	 */
	static List<JumpHost> parse(String value) {
		String trimmed = value.trim();
		if ("none".equalsIgnoreCase(trimmed)) {
			return List.of();
		}
		List<JumpHost> hops = new ArrayList<>();
		for (String hop : trimmed.split(",", -1)) {
			hops.add(parseHop(hop.trim(), value));
		}
		return hops;
	}

	private static JumpHost parseHop(String hop, String value) {
		if (hop.isEmpty()) {
			throw badSyntax(value, "has an empty hop");
		}
		String user = null;
		String rest = hop;
		int at = hop.lastIndexOf('@');
		if (at >= 0) {
			user = hop.substring(0, at);
			rest = hop.substring(at + 1);
			if (user.isEmpty()) {
				throw badSyntax(value, "has an empty user name before '@' in '" + hop + "'");
			}
		}
		String host;
		String port = null;
		if (rest.startsWith("[")) {
			int close = rest.indexOf(']');
			if (close < 0) {
				throw badSyntax(value, "has an unclosed '[' in '" + hop + "'");
			}
			host = rest.substring(1, close);
			String after = rest.substring(close + 1);
			if (!after.isEmpty()) {
				if (!after.startsWith(":")) {
					throw badSyntax(value, "has '" + after + "' after ']' in '" + hop + "'");
				}
				port = after.substring(1);
			}
		}
		else {
			int colon = rest.indexOf(':');
			if (colon >= 0 && rest.indexOf(':', colon + 1) >= 0) {
				throw badSyntax(value, "has an IPv6 address without brackets in '" + hop + "' (write [::1]:22)");
			}
			host = (colon >= 0) ? rest.substring(0, colon) : rest;
			port = (colon >= 0) ? rest.substring(colon + 1) : null;
		}
		if (host.isEmpty() || host.chars().anyMatch((c) -> Character.isWhitespace(c) || c == '/' || c == '@')) {
			throw badSyntax(value, "has no valid host in '" + hop + "'");
		}
		JumpHost.Builder builder = JumpHost.builder(host).username(user);
		if (port != null) {
			builder.port(port(port, hop, value));
		}
		return builder.build();
	}

	private static int port(String port, String hop, String value) {
		try {
			int number = Integer.parseInt(port);
			if (number >= 1 && number <= 65535) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw badSyntax(value, "has an invalid port '" + port + "' in '" + hop + "' (1 to 65535)");
	}

	private static String text(String value) {
		return StringUtils.hasText(value) ? value.trim() : null;
	}

	private static SshTunnelException badSyntax(String value, String problem) {
		return new SshTunnelException(Reason.INVALID_CONFIGURATION,
				"Invalid SSH tunnel configuration: " + PROXY_JUMP + " '" + value + "' " + problem + ".",
				"Set " + PROXY_JUMP + " to OpenSSH's ProxyJump syntax, [user@]host[:port][,[user@]host[:port]...], "
						+ "the first hop contacted first, e.g. 'app@bastion.example.com:2222,[::1]:22'.");
	}

	private static SshTunnelException invalid(String property, String problem) {
		return new SshTunnelException(Reason.INVALID_CONFIGURATION,
				"Invalid SSH tunnel configuration: " + property + " " + problem + ".",
				"Set " + property + " to a valid value.");
	}

}

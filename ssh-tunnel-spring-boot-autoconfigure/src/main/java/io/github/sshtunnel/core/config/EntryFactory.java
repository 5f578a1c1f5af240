package io.github.sshtunnel.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link SshConfigEntry} from the values read, expanding tokens once the final
 * host name, port and user are known, as OpenSSH does after reading its files.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class EntryFactory {

	private static final Logger logger = LoggerFactory.getLogger(EntryFactory.class);

	private static final int DEFAULT_PORT = 22;

	private EntryFactory() {
	}

	static SshConfigEntry create(SshConfig config, String host, ConfigValues values) {
		Map<String, String> origins = new HashMap<>();
		String hostName = host;
		ConfigValues.Value hostNameValue = values.get("hostname");
		if (hostNameValue != null) {
			hostName = Tokens.expandHostName(hostNameValue.first(), host, hostNameValue.origin());
			origins.put("hostname", hostNameValue.origin());
		}
		String portText = text(values, "port", origins);
		Integer port = (portText != null) ? ConfigValues.port(portText, values.get("port").origin()) : null;
		String user = text(values, "user", origins);
		Map<Character, String> tokens = new HashMap<>();
		tokens.put('h', hostName);
		tokens.put('n', host);
		tokens.put('k', host);
		tokens.put('p', String.valueOf((port != null) ? port : DEFAULT_PORT));
		tokens.put('r', (user != null) ? user : config.localUser());
		Map<Character, String> jumpTokens = new HashMap<>(tokens);
		jumpTokens.keySet().retainAll(List.of('h', 'n', 'p', 'r'));
		tokens.put('u', config.localUser());
		tokens.put('d', config.home().toString());
		List<String> identityFiles = files(config, values.all("identityfile"), "IdentityFile", tokens, origins);
		List<String> certificateFiles = files(config, values.all("certificatefile"), "CertificateFile", tokens,
				origins);
		List<String> knownHosts = new ArrayList<>();
		ConfigValues.Value knownHostsValue = values.get("userknownhostsfile");
		if (knownHostsValue != null) {
			origins.put("userknownhostsfile", knownHostsValue.origin());
			for (String file : knownHostsValue.arguments()) {
				String expanded = path(config, file, "UserKnownHostsFile", tokens, knownHostsValue.origin());
				if (expanded != null) {
					knownHosts.add(expanded);
				}
			}
		}
		String proxyJump = text(values, "proxyjump", origins);
		if (proxyJump != null) {
			proxyJump = proxyJump.equalsIgnoreCase("none") ? null
					: Tokens.expand(proxyJump, jumpTokens, "ProxyJump", values.get("proxyjump").origin());
		}
		String strict = text(values, "stricthostkeychecking", origins);
		return new SshConfigEntry(host, hostName, port, user, List.copyOf(identityFiles), List.copyOf(certificateFiles),
				identityAgent(config, values, tokens, origins), proxyJump, List.copyOf(knownHosts),
				(strict != null) ? strict.toLowerCase(Locale.ROOT) : null,
				duration(values, "serveraliveinterval", "ServerAliveInterval", origins), count(values, origins),
				duration(values, "connecttimeout", "ConnectTimeout", origins), Map.copyOf(origins));
	}

	private static String text(ConfigValues values, String keyword, Map<String, String> origins) {
		ConfigValues.Value value = values.get(keyword);
		if (value == null) {
			return null;
		}
		origins.put(keyword, value.origin());
		return value.first();
	}

	private static Duration duration(ConfigValues values, String keyword, String name, Map<String, String> origins) {
		String text = text(values, keyword, origins);
		if (text == null || text.equalsIgnoreCase("none")) {
			return null;
		}
		return ConfigValues.duration(text, name, values.get(keyword).origin());
	}

	private static Integer count(ConfigValues values, Map<String, String> origins) {
		String text = text(values, "serveralivecountmax", origins);
		return (text != null)
				? ConfigValues.number(text, "ServerAliveCountMax", values.get("serveralivecountmax").origin()) : null;
	}

	private static List<String> files(SshConfig config, List<ConfigValues.Value> values, String keyword,
			Map<Character, String> tokens, Map<String, String> origins) {
		List<String> files = new ArrayList<>();
		for (ConfigValues.Value value : values) {
			origins.putIfAbsent(keyword.toLowerCase(Locale.ROOT), value.origin());
			String expanded = path(config, value.first(), keyword, tokens, value.origin());
			if (expanded != null) {
				files.add(expanded);
			}
		}
		return files;
	}

	private static String path(SshConfig config, String value, String keyword, Map<Character, String> tokens,
			String origin) {
		String withVariables = Tokens.environment(value, config.environment());
		if (withVariables == null) {
			logger.warn("{}: {} '{}' names an environment variable that is not set; ignored, as OpenSSH does", origin,
					keyword, value);
			return null;
		}
		return Tokens.expand(Tokens.tilde(withVariables, config.home()), tokens, keyword, origin);
	}

	private static String identityAgent(SshConfig config, ConfigValues values, Map<Character, String> tokens,
			Map<String, String> origins) {
		String agent = text(values, "identityagent", origins);
		if (agent == null || agent.equalsIgnoreCase("none") || agent.equals("SSH_AUTH_SOCK")) {
			return agent;
		}
		String origin = values.get("identityagent").origin();
		if (agent.startsWith("$") && !agent.startsWith("${")) {
			String variable = agent.substring(1);
			if (variable.equals("SSH_AUTH_SOCK")) {
				return variable;
			}
			String socket = config.environment().apply(variable);
			if (socket == null) {
				logger.warn("{}: IdentityAgent '{}' names an environment variable that is not set; ignored", origin,
						agent);
			}
			return socket;
		}
		return path(config, agent, "IdentityAgent", tokens, origin);
	}

}

package io.github.sshtunnel.core.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * OpenSSH's expansions in values: {@code %} tokens (which ones depends on the keyword,
 * see the TOKENS section of {@code ssh_config(5)}), a leading {@code ~}, and
 * {@code ${VAR}} environment variables.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class Tokens {

	private Tokens() {
	}

	/**
	 * Expand {@code %h} and {@code %%} in a {@code HostName}, the only tokens it takes.
	 * @param value the value
	 * @param host the host given (the alias)
	 * @param origin the file and line, for messages
	 * @return the host name
	 */
	static String expandHostName(String value, String host, String origin) {
		return expand(value, Map.of('h', host), "HostName", origin);
	}

	/**
	 * Expand {@code %} tokens.
	 * @param value the value
	 * @param tokens the value of each token letter this keyword accepts ({@code %%} is
	 * always accepted)
	 * @param keyword the keyword, for messages
	 * @param origin the file and line, for messages
	 * @return the value with its tokens expanded
	 */
	static String expand(String value, Map<Character, String> tokens, String keyword, String origin) {
		StringBuilder result = new StringBuilder(value.length());
		for (int index = 0; index < value.length(); index++) {
			char c = value.charAt(index);
			if (c != '%') {
				result.append(c);
				continue;
			}
			if (index + 1 >= value.length()) {
				throw SshConfig.invalid(origin, keyword + " '" + value + "' ends with a lone '%'");
			}
			char token = value.charAt(++index);
			String replacement = (token == '%') ? "%" : tokens.get(token);
			if (replacement == null) {
				throw SshConfig.invalid(origin,
						"token %" + token + " in " + keyword + " '" + value + "' is not supported there");
			}
			result.append(replacement);
		}
		return result.toString();
	}

	/**
	 * Replace a leading {@code ~} or {@code ~/} with the home directory.
	 * @param value the value
	 * @param home the home directory
	 * @return the value
	 */
	static String tilde(String value, Path home) {
		if (value.equals("~")) {
			return home.toString();
		}
		if (value.startsWith("~/")) {
			return home.resolve(value.substring(2)).toString();
		}
		return value;
	}

	/**
	 * Expand {@code ${VAR}} references.
	 * @param value the value
	 * @param environment the environment variables
	 * @return the value, or {@code null} when a variable is not set (OpenSSH then ignores
	 * the value)
	 */
	static String environment(String value, Function<String, String> environment) {
		StringBuilder result = new StringBuilder(value.length());
		int index = 0;
		while (index < value.length()) {
			int start = value.indexOf("${", index);
			int end = (start >= 0) ? value.indexOf('}', start) : -1;
			if (start < 0 || end < 0) {
				result.append(value, index, value.length());
				break;
			}
			String variable = environment.apply(value.substring(start + 2, end));
			if (variable == null) {
				return null;
			}
			result.append(value, index, start).append(variable);
			index = end + 1;
		}
		return result.toString();
	}

}

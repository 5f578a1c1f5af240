package io.github.sshtunnel.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One line of an OpenSSH client configuration file split as OpenSSH splits it: a keyword
 * (case-insensitive), then {@code key value} or {@code key=value}, arguments separated by
 * white space, double or single quotes grouping an argument, a backslash escaping a
 * quote, a space or itself, and an unquoted {@code #} at the start of an argument ending
 * the line.
 *
 * @param keyword the keyword in lower case
 * @param arguments the arguments, unquoted
 * @param origin the file and line, for messages
 * @author ssh-tunnel-spring-boot-starter contributors
 */
record ConfigLine(String keyword, List<String> arguments, String origin) {

	/**
	 * Split a line.
	 * @param text the line
	 * @param origin the file and line, for messages
	 * @return the line, or {@code null} for an empty or comment line
	 */
	static ConfigLine parse(String text, String origin) {
		String line = text.strip();
		if (line.isEmpty() || line.charAt(0) == '#') {
			return null;
		}
		int end = 0;
		while (end < line.length() && !Character.isWhitespace(line.charAt(end)) && line.charAt(end) != '=') {
			end++;
		}
		String keyword = line.substring(0, end).toLowerCase(Locale.ROOT);
		int rest = skipWhitespace(line, end);
		if (rest < line.length() && line.charAt(rest) == '=') {
			rest = skipWhitespace(line, rest + 1);
		}
		if (keyword.isEmpty()) {
			throw SshConfig.invalid(origin, "no keyword before '='");
		}
		return new ConfigLine(keyword, split(line.substring(rest), origin), origin);
	}

	private static int skipWhitespace(String line, int from) {
		int index = from;
		while (index < line.length() && Character.isWhitespace(line.charAt(index))) {
			index++;
		}
		return index;
	}

	private static List<String> split(String text, String origin) {
		List<String> arguments = new ArrayList<>();
		int index = 0;
		while (true) {
			index = skipWhitespace(text, index);
			if (index >= text.length() || text.charAt(index) == '#') {
				return arguments;
			}
			StringBuilder argument = new StringBuilder();
			char quote = 0;
			while (index < text.length()) {
				char c = text.charAt(index);
				if (quote == 0 && Character.isWhitespace(c)) {
					break;
				}
				if (c == '\\' && index + 1 < text.length() && isEscapable(text.charAt(index + 1))) {
					argument.append(text.charAt(index + 1));
					index += 2;
					continue;
				}
				if (quote == 0 && (c == '"' || c == '\'')) {
					quote = c;
				}
				else if (c == quote) {
					quote = 0;
				}
				else {
					argument.append(c);
				}
				index++;
			}
			if (quote != 0) {
				throw SshConfig.invalid(origin, "unterminated quoted argument");
			}
			arguments.add(argument.toString());
		}
	}

	private static boolean isEscapable(char c) {
		return c == '\\' || c == '"' || c == '\'' || c == ' ';
	}

	/**
	 * Return the only argument of this line.
	 * @return the argument
	 */
	String single() {
		if (this.arguments.size() != 1) {
			throw SshConfig.invalid(this.origin,
					"'" + this.keyword + "' takes exactly one argument, found " + this.arguments.size());
		}
		return this.arguments.get(0);
	}

}

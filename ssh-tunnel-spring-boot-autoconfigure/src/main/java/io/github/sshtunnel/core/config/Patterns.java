package io.github.sshtunnel.core.config;

import java.util.Locale;

/**
 * OpenSSH's patterns: {@code *} matches any run of characters, {@code ?} one character; a
 * comma list matches when one of its patterns matches and none of its {@code !negated}
 * patterns does.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class Patterns {

	private Patterns() {
	}

	/**
	 * Whether the text matches the glob pattern ({@code *} and {@code ?}).
	 * @param text the text
	 * @param pattern the pattern
	 * @return whether it matches
	 */
	static boolean matches(String text, String pattern) {
		return matches(text, 0, pattern, 0);
	}

	private static boolean matches(String text, int t, String pattern, int p) {
		int ti = t;
		int pi = p;
		while (pi < pattern.length()) {
			char c = pattern.charAt(pi);
			if (c == '*') {
				while (pi < pattern.length() && pattern.charAt(pi) == '*') {
					pi++;
				}
				if (pi == pattern.length()) {
					return true;
				}
				for (int from = ti; from <= text.length(); from++) {
					if (matches(text, from, pattern, pi)) {
						return true;
					}
				}
				return false;
			}
			if (ti >= text.length() || (c != '?' && c != text.charAt(ti))) {
				return false;
			}
			ti++;
			pi++;
		}
		return ti == text.length();
	}

	/**
	 * Match a comma-separated pattern list as OpenSSH's {@code match_pattern_list}.
	 * @param text the text
	 * @param list the pattern list
	 * @param ignoreCase whether to compare in lower case (host names)
	 * @return whether a positive pattern matches and no negated one does
	 */
	static boolean matchesList(String text, String list, boolean ignoreCase) {
		String subject = ignoreCase ? text.toLowerCase(Locale.ROOT) : text;
		boolean positive = false;
		for (String item : list.split(",", -1)) {
			String pattern = ignoreCase ? item.toLowerCase(Locale.ROOT) : item;
			boolean negated = pattern.startsWith("!");
			if (matches(subject, negated ? pattern.substring(1) : pattern)) {
				if (negated) {
					return false;
				}
				positive = true;
			}
		}
		return positive;
	}

}

package io.github.sshtunnel.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The values obtained while a configuration is read, as OpenSSH keeps them: for each
 * keyword the first value obtained wins, except {@code IdentityFile} and
 * {@code CertificateFile}, whose values accumulate. Values of honoured keywords are
 * checked on every line, in a block that applies or not, as OpenSSH checks them.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ConfigValues {

	private static final Logger logger = LoggerFactory.getLogger(ConfigValues.class);

	static final Set<String> SINGLE = Set.of("hostname", "port", "user", "identityagent", "proxyjump",
			"stricthostkeychecking", "serveraliveinterval", "serveralivecountmax", "connecttimeout");

	static final Set<String> ACCUMULATED = Set.of("identityfile", "certificatefile");

	private static final Set<String> FORWARDS = Set.of("localforward", "remoteforward", "dynamicforward");

	private static final Set<String> STRICT_VALUES = Set.of("yes", "no", "ask", "accept-new", "off", "true", "false");

	private static final Pattern TIME_PART = Pattern.compile("(\\d+)([smhdwSMHDW]?)");

	/**
	 * A value and where it was obtained.
	 *
	 * @param arguments the arguments of the line
	 * @param origin the file and line (or the property) it came from
	 */
	record Value(List<String> arguments, String origin) {

		String first() {
			return this.arguments.get(0);
		}

	}

	private final Map<String, Value> first = new HashMap<>();

	private final Map<String, List<Value>> accumulated = new LinkedHashMap<>();

	/**
	 * Set a value before the file is read, as {@code ssh -l} or {@code -p} does: it wins
	 * over every line of the file.
	 * @param keyword the keyword, lower case
	 * @param value the value
	 * @param origin the property that set it
	 */
	void preset(String keyword, String value, String origin) {
		this.first.put(keyword, new Value(List.of(value), origin));
	}

	/**
	 * Take one line of the configuration.
	 * @param line the line
	 * @param active whether the line is in a block that applies to the host
	 */
	void apply(ConfigLine line, boolean active) {
		String keyword = line.keyword();
		if (SINGLE.contains(keyword) || keyword.equals("userknownhostsfile")) {
			if (keyword.equals("userknownhostsfile")) {
				if (line.arguments().isEmpty()) {
					throw SshConfig.invalid(line.origin(), "'UserKnownHostsFile' needs at least one file");
				}
			}
			else {
				check(keyword, line.single(), line.origin());
			}
			if (active) {
				this.first.putIfAbsent(keyword, new Value(List.copyOf(line.arguments()), line.origin()));
			}
		}
		else if (ACCUMULATED.contains(keyword)) {
			String file = line.single();
			if (active) {
				List<Value> values = this.accumulated.computeIfAbsent(keyword, (k) -> new ArrayList<>());
				if (values.stream().noneMatch((v) -> v.first().equals(file))) {
					values.add(new Value(List.of(file), line.origin()));
				}
			}
		}
		else if (FORWARDS.contains(keyword)) {
			if (active) {
				logger.info("{}: {} is ignored: the tunnel's forwards come from properties (ssh.tunnel.forwards)",
						line.origin(), line.keyword());
			}
		}
		else {
			logger.debug("{}: keyword '{}' is not used by the SSH tunnel; ignored", line.origin(), keyword);
		}
	}

	private static void check(String keyword, String value, String origin) {
		switch (keyword) {
			case "port" -> port(value, origin);
			case "serveralivecountmax" -> number(value, "ServerAliveCountMax", origin);
			case "serveraliveinterval" -> duration(value, "ServerAliveInterval", origin);
			case "connecttimeout" -> {
				if (!value.equalsIgnoreCase("none")) {
					duration(value, "ConnectTimeout", origin);
				}
			}
			case "stricthostkeychecking" -> {
				if (!STRICT_VALUES.contains(value.toLowerCase(Locale.ROOT))) {
					throw SshConfig.invalid(origin,
							"StrictHostKeyChecking '" + value + "' is not one of yes, accept-new, ask, no, off");
				}
			}
			default -> {
			}
		}
	}

	/**
	 * Return the value of a keyword.
	 * @param keyword the keyword, lower case
	 * @return the value, or {@code null}
	 */
	Value get(String keyword) {
		return this.first.get(keyword);
	}

	/**
	 * Return the values of an accumulating keyword, in the order obtained.
	 * @param keyword the keyword, lower case
	 * @return the values, perhaps empty
	 */
	List<Value> all(String keyword) {
		return this.accumulated.getOrDefault(keyword, List.of());
	}

	static int port(String value, String origin) {
		int port = number(value, "Port", origin);
		if (port < 1 || port > 65535) {
			throw SshConfig.invalid(origin, "Port '" + value + "' is not between 1 and 65535");
		}
		return port;
	}

	static int number(String value, String keyword, String origin) {
		try {
			return Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw SshConfig.invalid(origin, keyword + " '" + value + "' is not a number");
		}
	}

	/**
	 * Parse a time as OpenSSH's {@code convtime}: seconds, or parts such as {@code 1h30m}
	 * with the units s, m, h, d, w.
	 * @param value the text
	 * @param keyword the keyword, for the message
	 * @param origin the file and line, for the message
	 * @return the duration
	 */
	static Duration duration(String value, String keyword, String origin) {
		Matcher matcher = TIME_PART.matcher(value);
		Duration total = Duration.ZERO;
		int end = 0;
		while (matcher.find() && matcher.start() == end) {
			long amount;
			try {
				amount = Long.parseLong(matcher.group(1));
			}
			catch (NumberFormatException ex) {
				break;
			}
			total = total.plus(switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
				case "m" -> Duration.ofMinutes(amount);
				case "h" -> Duration.ofHours(amount);
				case "d" -> Duration.ofDays(amount);
				case "w" -> Duration.ofDays(7 * amount);
				default -> Duration.ofSeconds(amount);
			});
			end = matcher.end();
		}
		if (value.isEmpty() || end != value.length()) {
			throw SshConfig.invalid(origin, keyword + " '" + value + "' is not a time (such as 30, 30s, 5m, 1h)");
		}
		return total;
	}

}

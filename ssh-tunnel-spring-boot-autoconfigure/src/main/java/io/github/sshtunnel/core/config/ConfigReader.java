package io.github.sshtunnel.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a configuration file and the files it includes in OpenSSH's order, deciding for
 * each {@code Host} and {@code Match} block whether it applies to the host, and hands the
 * lines of the blocks to {@link ConfigValues}. {@code Match} supports {@code all},
 * {@code host}, {@code originalhost} and {@code user} (each may be negated with
 * {@code !}); a block with any other criterion is skipped with a warning naming file and
 * line.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class ConfigReader {

	/**
	 * How deep {@code Include} may nest, as OpenSSH's {@code READCONF_MAX_DEPTH}.
	 */
	static final int MAX_INCLUDE_DEPTH = 16;

	private static final Logger logger = LoggerFactory.getLogger(ConfigReader.class);

	private static final Set<String> SUPPORTED_CRITERIA = Set.of("all", "host", "originalhost", "user");

	/**
	 * The other criteria of OpenSSH's {@code Match} (up to 9.x); a block with one of them
	 * is skipped, any other word fails as a bad value.
	 */
	private static final Set<String> SKIPPED_CRITERIA = Set.of("canonical", "final", "exec", "localuser",
			"localnetwork", "tagged", "command", "version", "sessiontype");

	private final SshConfig config;

	private final String originalHost;

	private final ConfigValues values;

	ConfigReader(SshConfig config, String originalHost, ConfigValues values) {
		this.config = config;
		this.originalHost = originalHost.toLowerCase(Locale.ROOT);
		this.values = values;
	}

	/**
	 * Read the main file.
	 */
	void read() {
		Path file = this.config.file();
		if (!Files.isRegularFile(file)) {
			throw SshConfig.invalid(null, "file " + file + " does not exist or is not a file");
		}
		read(file, 0, true, null);
	}

	private void read(Path file, int depth, boolean inherited, String includedFrom) {
		List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException | RuntimeException ex) {
			String what = "file " + file + " could not be read (" + ex.getClass().getSimpleName() + ")";
			throw SshConfig.invalid(includedFrom, (includedFrom != null) ? "included " + what : what);
		}
		boolean active = inherited;
		for (int index = 0; index < lines.size(); index++) {
			ConfigLine line = ConfigLine.parse(lines.get(index), file + ":" + (index + 1));
			if (line == null) {
				continue;
			}
			switch (line.keyword()) {
				case "host" -> active = inherited && host(line);
				case "match" -> active = inherited && match(line);
				case "include" -> include(line, depth, active);
				default -> this.values.apply(line, active);
			}
		}
	}

	private boolean host(ConfigLine line) {
		if (line.arguments().isEmpty()) {
			throw SshConfig.invalid(line.origin(), "'Host' needs at least one pattern");
		}
		boolean matched = false;
		for (String argument : line.arguments()) {
			String pattern = argument.toLowerCase(Locale.ROOT);
			boolean negated = pattern.startsWith("!");
			if (Patterns.matches(this.originalHost, negated ? pattern.substring(1) : pattern)) {
				if (negated) {
					return false;
				}
				matched = true;
			}
		}
		return matched;
	}

	private boolean match(ConfigLine line) {
		List<String> arguments = line.arguments();
		if (arguments.isEmpty()) {
			throw SshConfig.invalid(line.origin(), "'Match' needs a criterion");
		}
		String skipped = skippedCriterion(arguments);
		if (skipped != null) {
			logger.warn("{}: 'Match {}' is not supported by the SSH tunnel; this Match block is skipped", line.origin(),
					skipped);
			return false;
		}
		boolean result = true;
		Iterator<String> words = arguments.iterator();
		while (words.hasNext()) {
			String word = words.next();
			boolean negated = word.startsWith("!");
			String criterion = (negated ? word.substring(1) : word).toLowerCase(Locale.ROOT);
			boolean matched;
			if (criterion.equals("all")) {
				if (arguments.size() > 1) {
					throw SshConfig.invalid(line.origin(), "'Match all' cannot be combined with other criteria");
				}
				matched = true;
			}
			else if (SUPPORTED_CRITERIA.contains(criterion)) {
				if (!words.hasNext()) {
					throw SshConfig.invalid(line.origin(), "'Match " + criterion + "' needs a pattern list");
				}
				matched = matches(criterion, words.next());
			}
			else {
				throw SshConfig.invalid(line.origin(), "unknown Match criterion '" + word + "'");
			}
			if (matched == negated) {
				result = false;
			}
		}
		return result;
	}

	/**
	 * Return the first criterion of the line that the tunnel does not evaluate, reading
	 * criteria only (the pattern list after {@code host}, {@code originalhost} and
	 * {@code user} is not a criterion).
	 */
	private static String skippedCriterion(List<String> arguments) {
		for (int index = 0; index < arguments.size(); index++) {
			String word = arguments.get(index).toLowerCase(Locale.ROOT);
			String criterion = word.startsWith("!") ? word.substring(1) : word;
			if (SKIPPED_CRITERIA.contains(criterion)) {
				return criterion;
			}
			if (SUPPORTED_CRITERIA.contains(criterion) && !criterion.equals("all")) {
				index++;
			}
		}
		return null;
	}

	private boolean matches(String criterion, String patterns) {
		return switch (criterion) {
			case "host" -> Patterns.matchesList(currentHost(), patterns, true);
			case "originalhost" -> Patterns.matchesList(this.originalHost, patterns, true);
			default -> Patterns.matchesList(currentUser(), patterns, false);
		};
	}

	/**
	 * The host name as OpenSSH sees it while reading: {@code HostName} obtained so far
	 * ({@code %h} expanded), else the host given.
	 */
	private String currentHost() {
		ConfigValues.Value hostName = this.values.get("hostname");
		return (hostName != null) ? Tokens.expandHostName(hostName.first(), this.originalHost, hostName.origin())
				: this.originalHost;
	}

	private String currentUser() {
		ConfigValues.Value user = this.values.get("user");
		return (user != null) ? user.first() : this.config.localUser();
	}

	private void include(ConfigLine line, int depth, boolean active) {
		if (line.arguments().isEmpty()) {
			throw SshConfig.invalid(line.origin(), "'Include' needs at least one file");
		}
		if (depth + 1 > MAX_INCLUDE_DEPTH) {
			throw SshConfig.invalid(line.origin(),
					"Include nested more than " + MAX_INCLUDE_DEPTH + " levels deep (an Include loop?)");
		}
		for (String argument : line.arguments()) {
			for (Path file : files(Tokens.tilde(argument, this.config.home()), line.origin())) {
				read(file, depth + 1, active, line.origin());
			}
		}
	}

	private List<Path> files(String name, String origin) {
		Path path = this.config.sshDirectory().resolve(name);
		if (!hasWildcard(name)) {
			if (!Files.exists(path)) {
				logger.debug("{}: included file {} does not exist; ignored, as OpenSSH does", origin, path);
				return List.of();
			}
			return List.of(path);
		}
		Path directory = path.getParent();
		if (directory == null || hasWildcard(directory.toString())) {
			throw SshConfig.invalid(origin, "Include '" + name + "': wildcards are supported in file names only");
		}
		List<Path> files = new ArrayList<>();
		if (!Files.isDirectory(directory)) {
			return files;
		}
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, path.getFileName().toString())) {
			boolean dotFiles = path.getFileName().toString().startsWith(".");
			// glob(3), as OpenSSH uses it, never lets a wildcard match a leading dot
			stream.forEach((file) -> {
				if (dotFiles || !file.getFileName().toString().startsWith(".")) {
					files.add(file);
				}
			});
		}
		catch (IOException ex) {
			throw SshConfig.invalid(origin, "directory " + directory + " of Include '" + name + "' could not be read ("
					+ ex.getClass().getSimpleName() + ")");
		}
		files.sort(null);
		return files;
	}

	private static boolean hasWildcard(String name) {
		return name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
	}

}

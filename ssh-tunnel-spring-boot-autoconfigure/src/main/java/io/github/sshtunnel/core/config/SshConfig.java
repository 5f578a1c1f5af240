package io.github.sshtunnel.core.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * An OpenSSH client configuration file, resolved for one host as {@code ssh} resolves it
 * ({@code ssh -G}): {@code Host} blocks (patterns with {@code *}, {@code ?} and
 * {@code !negation}), {@code Match all|host|originalhost|user} blocks (any other
 * {@code Match} criterion skips its block with a warning naming file and line),
 * {@code Include} (globs; relative names in {@code ~/.ssh}; at most 16 levels), the first
 * value obtained winning for each keyword. A file that is missing, an included file that
 * cannot be read, or a bad value fails with
 * {@link SshTunnelException.Reason#INVALID_CONFIGURATION} naming file, line and
 * {@value #PROPERTY}.
 * <p>
 * Internal: not an API.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshConfig {

	/**
	 * The property that names the file, in messages.
	 */
	public static final String PROPERTY = "ssh.tunnel.ssh-config";

	private final Path file;

	private final Path home;

	private final Path sshDirectory;

	private final String localUser;

	private final Function<String, String> environment;

	private SshConfig(Path file, Path home, Path sshDirectory, String localUser, Function<String, String> environment) {
		this.file = Objects.requireNonNull(file, "'file' must not be null");
		this.home = home;
		this.sshDirectory = sshDirectory;
		this.localUser = localUser;
		this.environment = environment;
	}

	/**
	 * A user configuration file: {@code ~} is the {@code user.home} system property,
	 * relative {@code Include}s are in {@code ~/.ssh}, the local user is
	 * {@code user.name}, and {@code ${VAR}} reads the process environment.
	 * @param file the file
	 * @return the configuration, not read yet
	 */
	public static SshConfig of(Path file) {
		Path home = Path.of(System.getProperty("user.home"));
		return new SshConfig(file, home, home.resolve(".ssh"), System.getProperty("user.name"), System::getenv);
	}

	/**
	 * Return a copy whose relative {@code Include}s are in the given directory instead of
	 * {@code ~/.ssh}.
	 * @param directory the directory
	 * @return the copy
	 */
	public SshConfig withSshDirectory(Path directory) {
		return new SshConfig(this.file, this.home, directory, this.localUser, this.environment);
	}

	/**
	 * Return a copy that reads {@code ${VAR}} references from the given function.
	 * @param environment the environment variables by name
	 * @return the copy
	 */
	public SshConfig withEnvironment(Function<String, String> environment) {
		return new SshConfig(this.file, this.home, this.sshDirectory, this.localUser, environment);
	}

	/**
	 * Read the file for one host.
	 * @param host the host as given (an alias or a host name)
	 * @param user the user set outside the file (wins over its {@code User}, as
	 * {@code ssh -l} does), or {@code null}
	 * @param port the port set outside the file (wins over its {@code Port}, as
	 * {@code ssh -p} does), or {@code null}
	 * @return the values for the host
	 * @throws SshTunnelException if the file is missing or invalid
	 */
	public SshConfigEntry resolve(String host, String user, Integer port) {
		Objects.requireNonNull(host, "'host' must not be null");
		ConfigValues values = new ConfigValues();
		if (user != null) {
			values.preset("user", user, "the username property");
		}
		if (port != null) {
			values.preset("port", String.valueOf(port), "the port property");
		}
		new ConfigReader(this, host, values).read();
		return EntryFactory.create(this, host, values);
	}

	/**
	 * Look each hop of a {@code ProxyJump} list up as a {@code Host} alias of this file
	 * for its {@code HostName}, {@code Port} and {@code User}, as {@code ssh -J} does; a
	 * user or port written in the hop wins, a hop that is no alias stays as written.
	 * @param proxyJump the list in OpenSSH's syntax
	 * @return the list with every hop's host name, port and user filled in
	 */
	public String resolveJumpHosts(String proxyJump) {
		Objects.requireNonNull(proxyJump, "'proxyJump' must not be null");
		return new JumpAliases(this).resolve(proxyJump);
	}

	Path file() {
		return this.file;
	}

	Path home() {
		return this.home;
	}

	Path sshDirectory() {
		return this.sshDirectory;
	}

	String localUser() {
		return this.localUser;
	}

	Function<String, String> environment() {
		return this.environment;
	}

	/**
	 * A failure that names the file and line and the property.
	 * @param origin the file and line, or {@code null} for the file as a whole
	 * @param problem what is wrong
	 * @return the exception to throw
	 */
	static SshTunnelException invalid(String origin, String problem) {
		String where = (origin != null) ? " (" + origin + ")" : "";
		return new SshTunnelException(Reason.INVALID_CONFIGURATION,
				"Invalid SSH tunnel configuration: " + PROPERTY + where + ": " + problem + ".",
				"Correct the OpenSSH configuration file" + ((origin != null) ? " at " + origin : "") + ", or set "
						+ PROPERTY + " to another file.");
	}

}

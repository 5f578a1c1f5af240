package io.github.sshtunnel.autoconfigure;

/**
 * How the auto-configured DataSource ({@code spring.datasource.url}, and the own URLs of
 * Flyway and Liquibase, {@code spring.flyway.url} and {@code spring.liquibase.url})
 * reaches its database through the tunnel of {@code ssh.tunnel.*}, the URLs kept as
 * written.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelDataSourceProperties {

	/**
	 * Whether to route the auto-configured DataSource's URL, as written, through the SSH
	 * tunnel (only for the tunnel of ssh.tunnel.*).
	 */
	private boolean enabled = false;

	/**
	 * How to route it: 'socket' (the driver's socket factory opens an SSH channel per
	 * connection, no local port, TLS host names intact), 'port' (a local forward per
	 * host:port and the URL rewritten), or 'auto' (socket when the driver supports it).
	 */
	private Mode mode = Mode.AUTO;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	/**
	 * How a DataSource is routed through the tunnel.
	 */
	public enum Mode {

		/**
		 * {@code socket} when the driver takes a socket factory, else {@code port}.
		 */
		AUTO,

		/**
		 * The driver's socket factory opens a {@code direct-tcpip} channel per
		 * connection: no local port, the driver still sees the real host.
		 */
		SOCKET,

		/**
		 * A local forward per host:port, the URL rewritten to the local ends.
		 */
		PORT

	}

}

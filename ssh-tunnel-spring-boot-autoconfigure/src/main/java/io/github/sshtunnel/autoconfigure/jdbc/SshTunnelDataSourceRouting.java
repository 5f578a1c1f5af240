package io.github.sshtunnel.autoconfigure.jdbc;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.sshtunnel.autoconfigure.SshTunnelDataSourceProperties.Mode;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.jdbc.SshTunnelJdbc;

/**
 * How the auto-configured DataSource is routed through a tunnel: the mode chosen from
 * {@code ssh.tunnel.datasource.mode} and the driver of {@code spring.datasource.url},
 * logged once at INFO and shown in the tunnel's health details ({@code datasource}).
 *
 * @param tunnelName the tunnel's bean name
 * @param tunnel the tunnel
 * @param mode the mode chosen, never {@code AUTO}
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public record SshTunnelDataSourceRouting(String tunnelName, SshTunnel tunnel, Mode mode) {

	private static final Log logger = LogFactory.getLog(SshTunnelDataSourceRouting.class);

	/**
	 * Choose the mode for a URL.
	 * @param tunnelName the tunnel's bean name
	 * @param tunnel the tunnel
	 * @param configured the configured mode
	 * @param jdbcUrl the DataSource's URL as written
	 * @return the routing
	 * @throws SshTunnelException if the URL is missing, or the mode it needs is not
	 * available
	 */
	public static SshTunnelDataSourceRouting choose(String tunnelName, SshTunnel tunnel, Mode configured,
			String jdbcUrl) {
		if (jdbcUrl == null || jdbcUrl.isBlank()) {
			throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
					"ssh.tunnel.datasource.enabled is true but spring.datasource.url is not set",
					"Set spring.datasource.url to the database URL as seen from the SSH server, or set "
							+ "ssh.tunnel.datasource.enabled to false.");
		}
		boolean socketDriver = SshTunnelJdbc.supportsSocketMode(jdbcUrl);
		Mode mode = switch (configured) {
			case SOCKET -> Mode.SOCKET;
			case PORT -> Mode.PORT;
			case AUTO -> socketDriver ? Mode.SOCKET : Mode.PORT;
		};
		if (mode == Mode.SOCKET && !socketDriver) {
			throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
					"ssh.tunnel.datasource.mode is socket but the driver of spring.datasource.url (" + scheme(jdbcUrl)
							+ ") takes no socket factory",
					"Set ssh.tunnel.datasource.mode to port or auto, or use a forward in ssh.tunnel.forwards.");
		}
		if (mode == Mode.PORT) {
			// PORT MODE PLUGS IN HERE: a local forward per host:port of the URL and the
			// URL rewritten to the local ends (io.github.sshtunnel.jdbc.url). Until then
			// start-up fails instead of connecting around the tunnel.
			throw new SshTunnelException(Reason.INVALID_CONFIGURATION,
					"ssh.tunnel.datasource.mode " + configured.name().toLowerCase() + " needs port mode for "
							+ scheme(jdbcUrl) + " URLs, which this version does not provide yet",
					"Use a driver with a socket factory (jdbc:postgresql:, jdbc:opengauss:, jdbc:mariadb:, "
							+ "jdbc:mysql:, jdbc:sqlserver:) and ssh.tunnel.datasource.mode=socket, or declare a "
							+ "forward in ssh.tunnel.forwards and point spring.datasource.url at "
							+ "${local.ssh.tunnel.forwards.<name>.port}.");
		}
		logger.info("DataSource " + scheme(jdbcUrl) + " is routed through SSH tunnel '" + tunnelName + "' in "
				+ mode.name().toLowerCase() + " mode (no local port)");
		return new SshTunnelDataSourceRouting(tunnelName, tunnel, mode);
	}

	/**
	 * Return the URL that the driver gets: the URL as written plus the driver's
	 * socket-factory settings.
	 * @param jdbcUrl the URL as written
	 * @return the URL to connect with
	 */
	public String route(String jdbcUrl) {
		return SshTunnelJdbc.url(jdbcUrl, this.tunnelName);
	}

	private static String scheme(String jdbcUrl) {
		int second = jdbcUrl.indexOf(':', jdbcUrl.indexOf(':') + 1);
		return (second > 0) ? jdbcUrl.substring(0, second + 1) : "?";
	}

}

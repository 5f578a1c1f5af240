package io.github.sshtunnel.autoconfigure.jdbc;

import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.sshtunnel.autoconfigure.SshTunnelDataSourceProperties.Mode;
import io.github.sshtunnel.autoconfigure.SshTunnelPortModeForwards;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.jdbc.SshTunnelJdbc;

/**
 * How the auto-configured DataSource is routed through a tunnel: the mode chosen from
 * {@code ssh.tunnel.datasource.mode} and the driver of {@code spring.datasource.url},
 * logged once at INFO and shown in the tunnel's health details ({@code datasource}).
 * Flyway's and Liquibase's own URLs are routed the same way, each in the mode its own
 * driver allows.
 *
 * @param tunnelName the tunnel's bean name
 * @param tunnel the tunnel
 * @param mode the mode chosen for {@code spring.datasource.url}, never {@code AUTO}
 * @param portModeForwards the forwards of the URLs routed in {@code port} mode
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public record SshTunnelDataSourceRouting(String tunnelName, SshTunnel tunnel, Mode mode,
		SshTunnelPortModeForwards portModeForwards) {

	private static final Log logger = LogFactory.getLog(SshTunnelDataSourceRouting.class);

	/**
	 * Choose the mode for a URL.
	 * @param tunnelName the tunnel's bean name
	 * @param tunnel the tunnel
	 * @param configured the configured mode
	 * @param jdbcUrl the DataSource's URL as written
	 * @param portModeForwards the forwards planned for port mode
	 * @return the routing
	 * @throws SshTunnelException if the URL is missing, or cannot be routed in the mode
	 * it needs
	 */
	public static SshTunnelDataSourceRouting choose(String tunnelName, SshTunnel tunnel, Mode configured,
			String jdbcUrl, SshTunnelPortModeForwards portModeForwards) {
		Mode mode = SshTunnelPortModeForwards.chooseMode(configured, "spring.datasource.url", jdbcUrl);
		String how = (mode == Mode.SOCKET) ? "socket mode (no local port)"
				: "port mode (local forwards " + SshTunnelPortModeForwards.DATASOURCE + "..., URL rewritten to "
						+ "127.0.0.1; TLS host-name verification does not hold)";
		logger.info("DataSource " + scheme(jdbcUrl) + " is routed through SSH tunnel '" + tunnelName + "' in " + how);
		return new SshTunnelDataSourceRouting(tunnelName, tunnel, mode, portModeForwards);
	}

	/**
	 * Return the DataSource's URL that the driver gets: in {@code socket} mode the URL as
	 * written plus the driver's socket-factory settings, in {@code port} mode the URL
	 * pointed at the local forwards.
	 * @param jdbcUrl the URL as written
	 * @return the URL to connect with
	 */
	public String route(String jdbcUrl) {
		return route(jdbcUrl, SshTunnelPortModeForwards.DATASOURCE);
	}

	/**
	 * Return the URL that a driver gets for one of the routed URLs.
	 * @param url the URL as written
	 * @param name whose URL it is ({@link SshTunnelPortModeForwards#DATASOURCE},
	 * {@link SshTunnelPortModeForwards#FLYWAY} or
	 * {@link SshTunnelPortModeForwards#LIQUIBASE})
	 * @return the URL to connect with
	 */
	public String route(String url, String name) {
		if (this.portModeForwards.isPortMode(name)) {
			return this.portModeForwards.rewrittenUrl(name, this.tunnel.state());
		}
		return SshTunnelJdbc.url(url, this.tunnelName);
	}

	private static String scheme(String jdbcUrl) {
		int second = jdbcUrl.indexOf(':', jdbcUrl.indexOf(':') + 1);
		return (second > 0) ? jdbcUrl.substring(0, second + 1).toLowerCase(Locale.ROOT) : "?";
	}

}

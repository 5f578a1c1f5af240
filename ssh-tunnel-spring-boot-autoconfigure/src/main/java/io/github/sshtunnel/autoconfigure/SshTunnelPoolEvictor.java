package io.github.sshtunnel.autoconfigure;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;

import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.event.SshTunnelDisconnectedEvent;

/**
 * When the SSH session is lost, every connection it carried is dead. Evicts the
 * connections of each Hikari pool whose JDBC URL points at one of the tunnel's local
 * ports, so that the pool opens fresh ones (through the reconnected tunnel) instead of
 * handing out dead ones. Not every driver reports a dead TCP connection in a way Hikari
 * recognises as fatal (H2's "Database is already closed" does not), so without this a
 * pool could keep failing after the tunnel is back.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelPoolEvictor implements ApplicationListener<SshTunnelDisconnectedEvent> {

	private static final Log logger = LogFactory.getLog(SshTunnelPoolEvictor.class);

	/**
	 * A {@code host:port} in a JDBC URL: a bracketed IPv6 address, or a host name or IPv4
	 * address after {@code //}, {@code @} or {@code ,}; then the port, and no further
	 * digit.
	 */
	private static final Pattern HOST_PORT = Pattern
		.compile("(?:\\[([0-9A-Fa-f:.]+)\\]|(?<=//|@|,)([A-Za-z0-9][A-Za-z0-9._-]*)):(\\d{1,5})(?!\\d)");

	/**
	 * The key-value form of Oracle's and MySQL's URLs: {@code (HOST=h)(PORT=p)}.
	 */
	private static final Pattern HOST_PORT_PAIR = Pattern.compile(
			"\\(\\s*host\\s*=\\s*\\[?([^)\\s\\]]+)\\]?\\s*\\)\\s*\\(\\s*port\\s*=\\s*(\\d{1,5})\\s*\\)",
			Pattern.CASE_INSENSITIVE);

	private final ObjectProvider<DataSource> dataSources;

	SshTunnelPoolEvictor(ObjectProvider<DataSource> dataSources) {
		this.dataSources = dataSources;
	}

	@Override
	public void onApplicationEvent(SshTunnelDisconnectedEvent event) {
		if (event.getCause() == null) {
			return;
		}
		this.dataSources.forEach((dataSource) -> {
			try {
				HikariDataSource hikari = hikari(dataSource);
				if (hikari != null && usesTunnel(hikari.getJdbcUrl(), event.getState().forwards())) {
					HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
					if (pool != null) {
						pool.softEvictConnections();
						logger.info("Evicted the connections of pool '" + hikari.getPoolName()
								+ "': they went through the lost SSH session of tunnel '" + event.getTunnelName()
								+ "'");
					}
				}
			}
			catch (Exception ex) {
				logger.debug("Could not evict the connections of " + dataSource, ex);
			}
		});
	}

	/**
	 * Return the Hikari pool behind a DataSource bean: the bean itself, or the target of
	 * a delegating proxy (Spring's {@code DelegatingDataSource} and its subclasses such
	 * as {@code LazyConnectionDataSourceProxy}, which Boot 4.1 puts around the pool with
	 * {@code spring.datasource.connection-fetch=lazy}), found through JDBC's
	 * {@link java.sql.Wrapper} that they implement.
	 * @param dataSource a DataSource bean
	 * @return the pool, or {@code null} if there is none behind it
	 * @throws SQLException if the wrapper fails
	 */
	static HikariDataSource hikari(DataSource dataSource) throws SQLException {
		if (dataSource instanceof HikariDataSource hikari) {
			return hikari;
		}
		return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
	}

	/**
	 * Whether a JDBC URL connects to one of the forwards' local ends: the same port, and
	 * the same host or, for a forward bound on a loopback or wildcard address, any
	 * loopback host. Every {@code host:port} of the URL counts (a URL may list several);
	 * a host without a port, or another port that merely starts with the same digits,
	 * does not.
	 * @param jdbcUrl the JDBC URL of a pool
	 * @param forwards the forwards of the tunnel
	 * @return whether the pool's connections go through the tunnel
	 */
	static boolean usesTunnel(String jdbcUrl, List<ForwardState> forwards) {
		if (jdbcUrl == null) {
			return false;
		}
		Matcher hostPort = HOST_PORT.matcher(jdbcUrl);
		while (hostPort.find()) {
			String host = (hostPort.group(1) != null) ? hostPort.group(1) : hostPort.group(2);
			if (isForward(host, hostPort.group(3), forwards)) {
				return true;
			}
		}
		Matcher pair = HOST_PORT_PAIR.matcher(jdbcUrl);
		while (pair.find()) {
			if (isForward(pair.group(1), pair.group(2), forwards)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isForward(String host, String portText, List<ForwardState> forwards) {
		int port = Integer.parseInt(portText);
		for (ForwardState forward : forwards) {
			if (forward.localPort() > 0 && forward.localPort() == port && sameHost(host, forward.localHost())) {
				return true;
			}
		}
		return false;
	}

	private static boolean sameHost(String urlHost, String forwardHost) {
		if (urlHost.equalsIgnoreCase(forwardHost)) {
			return true;
		}
		boolean forwardLocal = isLoopback(forwardHost) || isWildcard(forwardHost);
		return forwardLocal && isLoopback(urlHost);
	}

	private static boolean isLoopback(String host) {
		String normalized = host.toLowerCase(Locale.ROOT);
		return normalized.equals("localhost") || normalized.startsWith("127.") || normalized.equals("::1")
				|| normalized.equals("0:0:0:0:0:0:0:1");
	}

	private static boolean isWildcard(String host) {
		return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
	}

}

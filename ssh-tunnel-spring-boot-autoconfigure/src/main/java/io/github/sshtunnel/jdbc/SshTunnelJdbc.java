package io.github.sshtunnel.jdbc;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What a JDBC driver needs to reach its database through an SSH tunnel in {@code socket}
 * mode, with the URL left as written: the driver's socket-factory settings for a named
 * tunnel. For DataSources that the application builds itself:
 *
 * <pre class="code">
 * String url = "jdbc:postgresql://db.internal:5432/app?sslmode=verify-full";
 * HikariConfig config = new HikariConfig();
 * config.setJdbcUrl(url);
 * config.setUsername("app");
 * config.setPassword(password);
 * SshTunnelJdbc.driverProperties(url, "sshTunnel").forEach(
 *         (key, value) -&gt; config.addDataSourceProperty((String) key, value));
 * DataSource dataSource = new HikariDataSource(config);
 * </pre>
 *
 * Supported: pgjdbc ({@code jdbc:postgresql:}), openGauss and GaussDB
 * ({@code jdbc:opengauss:}, {@code jdbc:gaussdb:}), MariaDB Connector/J
 * ({@code jdbc:mariadb:}), MySQL Connector/J ({@code jdbc:mysql:}) and Microsoft SQL
 * Server ({@code jdbc:sqlserver:}).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SshTunnelJdbc {

	/**
	 * Connection option that names the tunnel for the MariaDB and MySQL socket factories.
	 */
	public static final String TUNNEL_OPTION = "sshTunnel";

	private SshTunnelJdbc() {
	}

	/**
	 * Whether the driver of a JDBC URL takes a socket factory, so that {@code socket}
	 * mode can carry its connections.
	 * @param jdbcUrl the JDBC URL
	 * @return whether {@link #driverProperties} supports the URL
	 */
	public static boolean supportsSocketMode(String jdbcUrl) {
		return SocketDriver.of(jdbcUrl) != null;
	}

	/**
	 * Return the driver properties that make the driver of a JDBC URL connect through the
	 * named tunnel: add them to the DataSource's driver or data-source properties.
	 * @param jdbcUrl the JDBC URL, as written
	 * @param tunnelName the tunnel's name in {@link SshTunnelRegistry}: its bean name
	 * with the starter ({@code sshTunnel} for the tunnel of {@code ssh.tunnel.*})
	 * @return the properties
	 * @throws IllegalArgumentException if the driver has no socket factory
	 */
	public static Properties driverProperties(String jdbcUrl, String tunnelName) {
		if (tunnelName == null || tunnelName.isEmpty()) {
			throw new IllegalArgumentException("Tunnel name must not be empty");
		}
		Properties properties = new Properties();
		properties.putAll(driver(jdbcUrl).properties(tunnelName));
		return properties;
	}

	/**
	 * Return the JDBC URL with the driver properties of {@link #driverProperties}
	 * appended in the driver's own syntax, for places that take only a URL.
	 * @param jdbcUrl the JDBC URL, as written
	 * @param tunnelName the tunnel's name in {@link SshTunnelRegistry}
	 * @return the URL with the socket-factory settings
	 * @throws IllegalArgumentException if the driver has no socket factory
	 */
	public static String url(String jdbcUrl, String tunnelName) {
		SocketDriver driver = driver(jdbcUrl);
		StringBuilder url = new StringBuilder(jdbcUrl);
		for (Map.Entry<String, String> entry : driver.properties(tunnelName).entrySet()) {
			if (driver == SocketDriver.SQLSERVER) {
				if (url.charAt(url.length() - 1) != ';') {
					url.append(';');
				}
			}
			else {
				url.append((url.indexOf("?") < 0) ? '?' : '&');
			}
			url.append(entry.getKey()).append('=').append(entry.getValue());
		}
		return url.toString();
	}

	private static SocketDriver driver(String jdbcUrl) {
		SocketDriver driver = SocketDriver.of(jdbcUrl);
		if (driver == null) {
			throw new IllegalArgumentException("The JDBC driver of '" + scheme(jdbcUrl)
					+ "' URLs takes no socket factory, so it cannot connect through the SSH tunnel in socket mode "
					+ "(supported: jdbc:postgresql:, jdbc:opengauss:, jdbc:gaussdb:, jdbc:mariadb:, jdbc:mysql:, "
					+ "jdbc:sqlserver:); use port mode or a forward in ssh.tunnel.forwards instead");
		}
		return driver;
	}

	static String scheme(String jdbcUrl) {
		if (jdbcUrl == null) {
			return "null";
		}
		int second = jdbcUrl.indexOf(':', jdbcUrl.indexOf(':') + 1);
		return (second > 0) ? jdbcUrl.substring(0, second + 1) : jdbcUrl;
	}

	/**
	 * The drivers that take a socket factory, and how.
	 */
	enum SocketDriver {

		POSTGRESQL("socketFactory", "socketFactoryArg", "jdbc:postgresql:", "jdbc:opengauss:", "jdbc:gaussdb:"),

		MARIADB("socketFactory", null, "jdbc:mariadb:"),

		MYSQL("socketFactory", null, "jdbc:mysql:"),

		SQLSERVER("socketFactoryClass", "socketFactoryConstructorArg", "jdbc:sqlserver:");

		private final String factoryKey;

		private final String argumentKey;

		private final String[] prefixes;

		SocketDriver(String factoryKey, String argumentKey, String... prefixes) {
			this.factoryKey = factoryKey;
			this.argumentKey = argumentKey;
			this.prefixes = prefixes;
		}

		static SocketDriver of(String jdbcUrl) {
			if (jdbcUrl == null) {
				return null;
			}
			String lower = jdbcUrl.toLowerCase(Locale.ROOT);
			for (SocketDriver driver : values()) {
				for (String prefix : driver.prefixes) {
					if (lower.startsWith(prefix)) {
						return driver;
					}
				}
			}
			return null;
		}

		Map<String, String> properties(String tunnelName) {
			return new TreeMap<>(switch (this) {
				case MARIADB ->
					Map.of(this.factoryKey, MariaDbSocketFactory.class.getName(), TUNNEL_OPTION, tunnelName);
				case MYSQL -> Map.of(this.factoryKey, MySqlSocketFactory.class.getName(), TUNNEL_OPTION, tunnelName);
				default ->
					Map.of(this.factoryKey, SshTunnelSocketFactory.class.getName(), this.argumentKey, tunnelName);
			});
		}

	}

}

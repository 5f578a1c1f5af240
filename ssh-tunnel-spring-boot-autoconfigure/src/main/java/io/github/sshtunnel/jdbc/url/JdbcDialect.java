package io.github.sshtunnel.jdbc.url;

/**
 * A database whose URL syntax is understood, with its default port and whether its JDBC
 * driver takes a socket factory (so that connections can be carried through the SSH
 * session in-process, keeping TLS host names intact).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public enum JdbcDialect {

	/**
	 * PostgreSQL (pgjdbc, {@code socketFactory}).
	 */
	POSTGRESQL("PostgreSQL", 5432, true),

	/**
	 * openGauss (openGauss JDBC, a pgjdbc fork, {@code socketFactory}).
	 */
	OPENGAUSS("openGauss", 5432, true),

	/**
	 * MySQL (MySQL Connector/J, {@code socketFactory}).
	 */
	MYSQL("MySQL", 3306, true),

	/**
	 * MariaDB (MariaDB Connector/J, {@code socketFactory}).
	 */
	MARIADB("MariaDB", 3306, true),

	/**
	 * Microsoft SQL Server (mssql-jdbc, {@code socketFactoryClass}).
	 */
	SQLSERVER("SQL Server", 1433, true),

	/**
	 * Oracle Database (thin driver, no socket factory).
	 */
	ORACLE("Oracle", 1521, false),

	/**
	 * IBM Db2 (JCC type 4 driver, no socket factory).
	 */
	DB2("Db2", 50000, false),

	/**
	 * H2 in server mode (TCP, no socket factory).
	 */
	H2("H2", 9092, false);

	private final String displayName;

	private final int defaultPort;

	private final boolean socketFactorySupported;

	JdbcDialect(String displayName, int defaultPort, boolean socketFactorySupported) {
		this.displayName = displayName;
		this.defaultPort = defaultPort;
		this.socketFactorySupported = socketFactorySupported;
	}

	/**
	 * Return the name users know the database by, such as {@code PostgreSQL}.
	 * @return the display name
	 */
	public String displayName() {
		return this.displayName;
	}

	/**
	 * Return the port the driver uses when the URL names none.
	 * @return the default port
	 */
	public int defaultPort() {
		return this.defaultPort;
	}

	/**
	 * Return whether the JDBC driver accepts a socket factory, so that {@code socket}
	 * mode is possible.
	 * @return whether a socket factory is supported
	 */
	public boolean socketFactorySupported() {
		return this.socketFactorySupported;
	}

}

/**
 * JDBC drivers through an SSH tunnel without a local port ({@code socket} mode): socket
 * factories for the drivers that take one (pgjdbc, openGauss, MariaDB Connector/J, MySQL
 * Connector/J, Microsoft SQL Server), the registry that names the open tunnels, and
 * {@link io.github.sshtunnel.jdbc.SshTunnelJdbc} for user-defined DataSources.
 */
package io.github.sshtunnel.jdbc;

package io.github.sshtunnel.autoconfigure.jdbc;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * The DataSource's connection details from {@code spring.datasource.*}, as Boot's own,
 * with the URL routed (socket-factory settings added, or pointed at the local forwards in
 * port mode): every pool gets it, and the property stays as written.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelJdbcConnectionDetails implements JdbcConnectionDetails {

	private final DataSourceProperties properties;

	private final SshTunnelDataSourceRouting routing;

	SshTunnelJdbcConnectionDetails(DataSourceProperties properties, SshTunnelDataSourceRouting routing) {
		this.properties = properties;
		this.routing = routing;
	}

	@Override
	public String getUsername() {
		return this.properties.determineUsername();
	}

	@Override
	public String getPassword() {
		return this.properties.determinePassword();
	}

	@Override
	public String getJdbcUrl() {
		return this.routing.route(this.properties.determineUrl());
	}

	@Override
	public String getDriverClassName() {
		return this.properties.determineDriverClassName();
	}

	@Override
	public String getXaDataSourceClassName() {
		return (this.properties.getXa().getDataSourceClassName() != null)
				? this.properties.getXa().getDataSourceClassName()
				: JdbcConnectionDetails.super.getXaDataSourceClassName();
	}

}

package io.github.sshtunnel.autoconfigure.jdbc;

import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseProperties;

import io.github.sshtunnel.autoconfigure.SshTunnelPortModeForwards;

/**
 * Liquibase's connection details from {@code spring.liquibase.*}, as Boot's own, with the
 * URL {@code spring.liquibase.url}, when it is set, routed as the DataSource's
 * (socket-factory settings added, or pointed at its local forwards in port mode) (without
 * it Liquibase uses the DataSource, routed already).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelLiquibaseConnectionDetails implements LiquibaseConnectionDetails {

	private final LiquibaseProperties properties;

	private final SshTunnelDataSourceRouting routing;

	SshTunnelLiquibaseConnectionDetails(LiquibaseProperties properties, SshTunnelDataSourceRouting routing) {
		this.properties = properties;
		this.routing = routing;
	}

	@Override
	public String getUsername() {
		return this.properties.getUser();
	}

	@Override
	public String getPassword() {
		return this.properties.getPassword();
	}

	@Override
	public String getJdbcUrl() {
		String url = this.properties.getUrl();
		return (url != null) ? this.routing.route(url, SshTunnelPortModeForwards.LIQUIBASE) : null;
	}

	@Override
	public String getDriverClassName() {
		String driverClassName = this.properties.getDriverClassName();
		return (driverClassName != null) ? driverClassName : LiquibaseConnectionDetails.super.getDriverClassName();
	}

}

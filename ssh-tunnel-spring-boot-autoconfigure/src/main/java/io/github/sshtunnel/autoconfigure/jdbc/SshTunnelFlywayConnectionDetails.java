package io.github.sshtunnel.autoconfigure.jdbc;

import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;

import io.github.sshtunnel.autoconfigure.SshTunnelPortModeForwards;

/**
 * Flyway's connection details from {@code spring.flyway.*}, as Boot's own, with the URL
 * {@code spring.flyway.url}, when it is set, routed as the DataSource's (socket-factory
 * settings added, or pointed at its local forwards in port mode) (without it Flyway uses
 * the DataSource, routed already).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelFlywayConnectionDetails implements FlywayConnectionDetails {

	private final FlywayProperties properties;

	private final SshTunnelDataSourceRouting routing;

	SshTunnelFlywayConnectionDetails(FlywayProperties properties, SshTunnelDataSourceRouting routing) {
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
		return (url != null) ? this.routing.route(url, SshTunnelPortModeForwards.FLYWAY) : null;
	}

	@Override
	public String getDriverClassName() {
		return this.properties.getDriverClassName();
	}

}

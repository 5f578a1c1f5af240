package io.github.sshtunnel.autoconfigure.jdbc;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;

import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.util.StringUtils;

import io.github.sshtunnel.autoconfigure.SshTunnelPortModeForwards;
import io.github.sshtunnel.core.SshTunnel;

/**
 * The R2DBC ConnectionFactory's options from {@code spring.r2dbc.*}, as Boot's own, with
 * {@code spring.r2dbc.url} pointed at the tunnel's local forwards ({@code port} mode:
 * R2DBC drivers take no JDK socket factory). Read when the ConnectionFactory is built,
 * after the tunnel opened, so the local ports are known.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class SshTunnelR2dbcConnectionDetails implements R2dbcConnectionDetails {

	private final R2dbcProperties properties;

	private final SshTunnel tunnel;

	private final SshTunnelPortModeForwards portModeForwards;

	SshTunnelR2dbcConnectionDetails(R2dbcProperties properties, SshTunnel tunnel,
			SshTunnelPortModeForwards portModeForwards) {
		this.properties = properties;
		this.tunnel = tunnel;
		this.portModeForwards = portModeForwards;
	}

	@Override
	public ConnectionFactoryOptions getConnectionFactoryOptions() {
		String url = this.portModeForwards.rewrittenUrl(SshTunnelPortModeForwards.R2DBC, this.tunnel.state());
		ConnectionFactoryOptions fromUrl = ConnectionFactoryOptions.parse(url);
		ConnectionFactoryOptions.Builder options = fromUrl.mutate();
		setUnlessInUrl(options, fromUrl, ConnectionFactoryOptions.USER, this.properties.getUsername());
		setUnlessInUrl(options, fromUrl, ConnectionFactoryOptions.PASSWORD,
				(CharSequence) this.properties.getPassword());
		setUnlessInUrl(options, fromUrl, ConnectionFactoryOptions.DATABASE, this.properties.getName());
		this.properties.getProperties().forEach((key, value) -> options.option(Option.valueOf(key), value));
		return options.build();
	}

	private static <T extends CharSequence> void setUnlessInUrl(ConnectionFactoryOptions.Builder options,
			ConnectionFactoryOptions fromUrl, Option<T> option, T value) {
		if (value != null && StringUtils.hasText(value.toString()) && !fromUrl.hasOption(option)) {
			options.option(option, value);
		}
	}

}

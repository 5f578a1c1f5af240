package io.github.sshtunnel.autoconfigure;

/**
 * How the auto-configured R2DBC ConnectionFactory ({@code spring.r2dbc.url}) reaches its
 * database through the tunnel of {@code ssh.tunnel.*}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelR2dbcProperties {

	/**
	 * Whether to route the auto-configured R2DBC ConnectionFactory's URL, as written,
	 * through the SSH tunnel (port mode: R2DBC drivers take no socket factory).
	 */
	private boolean enabled = false;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}

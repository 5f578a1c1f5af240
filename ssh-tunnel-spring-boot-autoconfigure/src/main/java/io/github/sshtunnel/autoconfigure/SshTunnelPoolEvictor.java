package io.github.sshtunnel.autoconfigure;

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
				HikariDataSource hikari = dataSource.isWrapperFor(HikariDataSource.class)
						? dataSource.unwrap(HikariDataSource.class) : null;
				if (hikari != null && usesTunnel(hikari.getJdbcUrl(), event)) {
					HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
					if (pool != null) {
						pool.softEvictConnections();
						logger.info("Evicted the connections of pool '" + hikari.getPoolName()
								+ "': they went through the lost SSH session");
					}
				}
			}
			catch (Exception ex) {
				logger.debug("Could not evict the connections of " + dataSource, ex);
			}
		});
	}

	private static boolean usesTunnel(String jdbcUrl, SshTunnelDisconnectedEvent event) {
		if (jdbcUrl == null) {
			return false;
		}
		for (ForwardState forward : event.getState().forwards()) {
			if (forward.localPort() > 0 && jdbcUrl.contains(":" + forward.localPort())) {
				return true;
			}
		}
		return false;
	}

}

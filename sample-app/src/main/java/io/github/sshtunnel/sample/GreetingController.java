package io.github.sshtunnel.sample;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reads rows through the tunnel.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@RestController
class GreetingController {

	private final JdbcClient jdbc;

	private final String jdbcUrl;

	GreetingController(JdbcClient jdbc, DataSource dataSource) {
		this.jdbc = jdbc;
		this.jdbcUrl = (dataSource instanceof HikariDataSource hikari) ? hikari.getJdbcUrl() : null;
	}

	@GetMapping("/api/greetings")
	Map<String, Object> greetings() {
		List<Greeting> rows = this.jdbc.sql("select id, message from greeting order by id")
			.query(Greeting.class)
			.list();
		return Map.of("jdbcUrl", String.valueOf(this.jdbcUrl), "greetings", rows);
	}

	record Greeting(int id, String message) {
	}

}

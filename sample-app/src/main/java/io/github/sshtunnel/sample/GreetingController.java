package io.github.sshtunnel.sample;

import java.sql.DatabaseMetaData;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reads the greetings through the DataSource, whose URL points at the tunnel's local
 * port, and shows that URL next to them.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@RestController
public class GreetingController {

	private final JdbcClient jdbcClient;

	private final DataSource dataSource;

	public GreetingController(JdbcClient jdbcClient, DataSource dataSource) {
		this.jdbcClient = jdbcClient;
		this.dataSource = dataSource;
	}

	@GetMapping("/api/greetings")
	public Greetings greetings() throws MetaDataAccessException {
		String jdbcUrl = JdbcUtils.extractDatabaseMetaData(this.dataSource, DatabaseMetaData::getURL);
		List<Greeting> greetings = this.jdbcClient.sql("select id, message from greeting order by id")
			.query(Greeting.class)
			.list();
		return new Greetings(jdbcUrl, greetings);
	}

	/**
	 * The response of {@code GET /api/greetings}.
	 *
	 * @param jdbcUrl the URL of the connection that the DataSource hands out
	 * @param greetings the rows of the {@code greeting} table
	 */
	public record Greetings(String jdbcUrl, List<Greeting> greetings) {

	}

	/**
	 * A row of the {@code greeting} table.
	 *
	 * @param id the id
	 * @param message the message
	 */
	public record Greeting(int id, String message) {

	}

}

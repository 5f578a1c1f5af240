package io.github.sshtunnel.jdbc.url;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.ForwardSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The forwards of {@code port} mode and the URL pointed at them.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class PortModePlanTests {

	@Test
	void namesOneForwardPerDistinctEndpoint() {
		PortModePlan plan = PortModePlan
			.of(JdbcUrl.parse("jdbc:postgresql://h1:5432,h2,h1:5432,[::1]:5433/app?sslmode=require"), "datasource");
		assertThat(plan.forwards()).containsExactly(new ForwardSettings("datasource", "127.0.0.1", 0, "h1", 5432),
				new ForwardSettings("datasource-2", "127.0.0.1", 0, "h2", 5432),
				new ForwardSettings("datasource-3", "127.0.0.1", 0, "::1", 5433));
		assertThat(plan.forwardName(new Endpoint("h1", 5432))).isEqualTo("datasource");
		assertThat(plan.forwardName(new Endpoint("[::1]", 5433))).isEqualTo("datasource-3");
	}

	@Test
	void rewritesToTheLocalEnds() {
		PortModePlan plan = PortModePlan
			.of(JdbcUrl.parse("jdbc:postgresql://h1:5432,h2,h1:5432,[::1]:5433/app?sslmode=require"), "datasource");
		assertThat(plan.rewrittenUrl(Map.of("datasource", 41001, "datasource-2", 41002, "datasource-3", 41003)))
			.isEqualTo("jdbc:postgresql://127.0.0.1:41001,127.0.0.1:41002,127.0.0.1:41001,127.0.0.1:41003/app"
					+ "?sslmode=require");
	}

	@Test
	void takesThePrefixAsTheFirstName() {
		PortModePlan plan = PortModePlan.of(DatabaseUrl.parse("r2dbc:pool:postgresql://db:5432/app"), "r2dbc");
		assertThat(plan.forwards()).extracting(ForwardSettings::name).containsExactly("r2dbc");
		assertThat(plan.rewrittenUrl(Map.of("r2dbc", 41001))).isEqualTo("r2dbc:pool:postgresql://127.0.0.1:41001/app");
		PortModePlan flyway = PortModePlan.of(JdbcUrl.parse("jdbc:oracle:thin:@//ora1:1521,ora2:1522/svc"), "flyway");
		assertThat(flyway.forwards()).extracting(ForwardSettings::name).containsExactly("flyway", "flyway-2");
	}

	@Test
	void failsOnAMissingLocalPort() {
		PortModePlan plan = PortModePlan.of(JdbcUrl.parse("jdbc:mariadb://h1,h2/db"), "datasource");
		assertThatIllegalArgumentException().isThrownBy(() -> plan.rewrittenUrl(Map.of("datasource", 41001)))
			.withMessageContaining("[datasource-2]");
	}

	@Test
	void rejectsAnEmptyPrefixAndAForeignEndpoint() {
		JdbcUrl url = JdbcUrl.parse("jdbc:db2://db:50000/SAMPLE");
		assertThatIllegalArgumentException().isThrownBy(() -> PortModePlan.of(url, " "))
			.withMessageContaining("prefix");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> PortModePlan.of(url, "datasource").forwardName(new Endpoint("other", 1)))
			.withMessageContaining("other:1");
	}

}

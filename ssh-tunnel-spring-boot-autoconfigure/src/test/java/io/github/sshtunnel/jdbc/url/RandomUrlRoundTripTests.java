package io.github.sshtunnel.jdbc.url;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random host lists written in every syntax: parsing finds exactly the hosts and ports
 * written, and any rewrite reads back as its replacements with the rest of the URL kept.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class RandomUrlRoundTripTests {

	private static final int ROUNDS = 300;

	@ParameterizedTest
	@EnumSource(Syntax.class)
	void randomHostListsRoundTrip(Syntax syntax) {
		long seed = System.nanoTime();
		Random random = new Random(seed);
		for (int round = 0; round < ROUNDS; round++) {
			List<Endpoint> written = new ArrayList<>();
			List<String> spelled = new ArrayList<>();
			int count = syntax.multiHost ? 1 + random.nextInt(4) : 1;
			for (int i = 0; i < count; i++) {
				Endpoint endpoint = endpoint(random, syntax.dialect);
				boolean withPort = random.nextBoolean() || endpoint.port() != syntax.dialect.defaultPort();
				written.add(endpoint);
				spelled.add(syntax.spell.apply(new Spelling(endpoint, withPort, random)));
			}
			if (syntax == Syntax.ORACLE_EZCONNECT) {
				oracleTakesTheNextPort(written, spelled);
			}
			String url = syntax.prefix + String.join(syntax.separator, spelled) + syntax.suffix;
			String context = "seed " + seed + ", round " + round + ": " + url;
			DatabaseUrl parsed = parse(url, context);
			assertThat(parsed.dialect()).as(context).isEqualTo(syntax.dialect);
			assertThat(parsed.endpoints()).as(context).isEqualTo(written);
			List<Endpoint> replacements = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				replacements.add(endpoint(random, syntax.dialect));
			}
			String rewritten = parsed.rewrite(replacements);
			assertThat(DatabaseUrl.parse(rewritten).endpoints()).as(context + " -> " + rewritten)
				.isEqualTo(replacements);
			assertThat(rewritten).as(context).startsWith(syntax.prefix).endsWith(syntax.suffix);
			assertThat(DatabaseUrl.parse(parsed.rewrite(written)).endpoints()).as(context).isEqualTo(written);
		}
	}

	/**
	 * Easy Connect Plus: a host without a port takes the next port written in its list.
	 */
	private static void oracleTakesTheNextPort(List<Endpoint> written, List<String> spelled) {
		int port = JdbcDialect.ORACLE.defaultPort();
		for (int i = written.size() - 1; i >= 0; i--) {
			Endpoint endpoint = written.get(i);
			boolean withPort = spelled.get(i).endsWith(":" + endpoint.port());
			if (withPort) {
				port = endpoint.port();
			}
			else {
				written.set(i, new Endpoint(endpoint.host(), port));
			}
		}
	}

	private static DatabaseUrl parse(String url, String context) {
		try {
			return DatabaseUrl.parse(url);
		}
		catch (RuntimeException ex) {
			throw new AssertionError(context, ex);
		}
	}

	private static Endpoint endpoint(Random random, JdbcDialect dialect) {
		String host = switch (random.nextInt(4)) {
			case 0 -> "db" + random.nextInt(100) + ".example.internal";
			case 1 ->
				random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
			case 2 -> (dialect == JdbcDialect.SQLSERVER) ? "sql-" + random.nextInt(9)
					: "2001:db8::" + Integer.toHexString(random.nextInt(65536));
			default -> "Host-" + random.nextInt(1000);
		};
		int port = random.nextBoolean() ? dialect.defaultPort() : 1 + random.nextInt(65535);
		return new Endpoint(host, port);
	}

	private static String authority(Spelling spelling) {
		return spelling.endpoint.uriHost() + (spelling.withPort ? ":" + spelling.endpoint.port() : "");
	}

	private static String mysqlEntry(Spelling spelling) {
		Endpoint endpoint = spelling.endpoint;
		return switch (spelling.random.nextInt(3)) {
			case 0 -> authority(spelling);
			case 1 -> "address=(host=" + endpoint.host() + ")"
					+ (spelling.withPort ? "(port=" + endpoint.port() + ")" : "") + "(type=primary)";
			default ->
				"(host=" + endpoint.uriHost() + (spelling.withPort ? ",port=" + endpoint.port() : "") + ",user=u)";
		};
	}

	private static String tnsAddress(Spelling spelling) {
		String space = spelling.random.nextBoolean() ? " " : "";
		String host = spelling.random.nextBoolean() ? "HOST" : "host";
		return "(ADDRESS=" + space + "(PROTOCOL=TCP)(" + host + space + "=" + space + spelling.endpoint.host() + space
				+ ")" + (spelling.withPort ? "(Port=" + spelling.endpoint.port() + ")" : "") + space + ")";
	}

	private static String sqlServer(Spelling spelling) {
		Endpoint endpoint = spelling.endpoint;
		if (spelling.random.nextBoolean() && !endpoint.ipv6()) {
			return "//" + endpoint.host() + (spelling.withPort ? ":" + endpoint.port() : "") + ";encrypt=true";
		}
		String key = spelling.random.nextBoolean() ? "serverName" : "SERVER";
		return "//;" + key + "=" + endpoint.host() + (spelling.withPort ? ";portNumber=" + endpoint.port() : "")
				+ ";encrypt=true";
	}

	private record Spelling(Endpoint endpoint, boolean withPort, Random random) {

	}

	enum Syntax {

		POSTGRESQL(JdbcDialect.POSTGRESQL, "jdbc:postgresql://", ",", "/app?sslmode=verify-full&password=p",
				RandomUrlRoundTripTests::authority),

		OPENGAUSS(JdbcDialect.OPENGAUSS, "jdbc:opengauss://", ",", "/postgres", RandomUrlRoundTripTests::authority),

		MYSQL(JdbcDialect.MYSQL, "jdbc:mysql:replication://", ",", "/db?sslMode=VERIFY_IDENTITY",
				RandomUrlRoundTripTests::mysqlEntry),

		MARIADB(JdbcDialect.MARIADB, "jdbc:mariadb:sequential://", ",", "/db", RandomUrlRoundTripTests::mysqlEntry),

		SQLSERVER(JdbcDialect.SQLSERVER, "jdbc:sqlserver:", "", ";databaseName=app", RandomUrlRoundTripTests::sqlServer,
				false),

		ORACLE_EZCONNECT(JdbcDialect.ORACLE, "jdbc:oracle:thin:@//", ",", "/service",
				RandomUrlRoundTripTests::authority),

		ORACLE_DESCRIPTOR(JdbcDialect.ORACLE, "jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS_LIST=", "",
				"))(CONNECT_DATA=(SERVICE_NAME=s)))", RandomUrlRoundTripTests::tnsAddress),

		DB2(JdbcDialect.DB2, "jdbc:db2://", "", "/SAMPLE", RandomUrlRoundTripTests::authority, false),

		H2(JdbcDialect.H2, "jdbc:h2:tcp://", ",", "/~/test;MODE=PostgreSQL", RandomUrlRoundTripTests::authority),

		R2DBC(JdbcDialect.POSTGRESQL, "r2dbc:pool:postgresql:failover://user:secret@", ",", "/app?initialSize=1",
				RandomUrlRoundTripTests::authority);

		private final JdbcDialect dialect;

		private final String prefix;

		private final String separator;

		private final String suffix;

		private final Function<Spelling, String> spell;

		private final boolean multiHost;

		Syntax(JdbcDialect dialect, String prefix, String separator, String suffix, Function<Spelling, String> spell) {
			this(dialect, prefix, separator, suffix, spell, true);
		}

		Syntax(JdbcDialect dialect, String prefix, String separator, String suffix, Function<Spelling, String> spell,
				boolean multiHost) {
			this.dialect = dialect;
			this.prefix = prefix;
			this.separator = separator;
			this.suffix = suffix;
			this.spell = spell;
			this.multiHost = multiHost;
		}

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT);
		}

	}

}

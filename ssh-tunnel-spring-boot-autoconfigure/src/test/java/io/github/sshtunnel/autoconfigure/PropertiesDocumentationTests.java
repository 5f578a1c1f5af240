package io.github.sshtunnel.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.jayway.jsonpath.JsonPath;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/properties.md} generated from the configuration metadata that the
 * annotation processor writes from the javadoc of {@link SshTunnelProperties}. Run with
 * {@code DOCS_UPDATE=true} to regenerate it.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class PropertiesDocumentationTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path DOCUMENT = Path.of("../docs/properties.md");

	@Test
	void propertiesReferenceIsGeneratedFromMetadata() throws IOException {
		String generated = generate();
		if ("true".equals(System.getenv("DOCS_UPDATE"))) {
			Files.writeString(DOCUMENT, generated, StandardCharsets.UTF_8);
		}
		assertThat(DOCUMENT)
			.as("docs/properties.md is stale: run DOCS_UPDATE=true ./mvnw test -pl "
					+ "ssh-tunnel-spring-boot-autoconfigure -Dtest=PropertiesDocumentationTests")
			.exists();
		assertThat(Files.readString(DOCUMENT, StandardCharsets.UTF_8))
			.as("docs/properties.md is stale: run DOCS_UPDATE=true ./mvnw test -pl "
					+ "ssh-tunnel-spring-boot-autoconfigure -Dtest=PropertiesDocumentationTests")
			.isEqualTo(generated);
	}

	@Test
	void everyPropertyHasADescription() throws IOException {
		for (Map<String, Object> property : properties()) {
			assertThat((String) property.get("description")).as("description of %s", property.get("name")).isNotBlank();
		}
	}

	private static List<Map<String, Object>> properties() throws IOException {
		List<Map<String, Object>> properties = JsonPath.read(Files.readString(METADATA, StandardCharsets.UTF_8),
				"$.properties");
		return properties.stream()
			.sorted(Comparator.comparing((Map<String, Object> property) -> order((String) property.get("name")))
				.thenComparing((property) -> (String) property.get("name")))
			.toList();
	}

	private static int order(String name) {
		String rest = name.substring("ssh.tunnel.".length());
		if (rest.startsWith("forwards") || rest.startsWith("jump-hosts")) {
			return 1;
		}
		if (rest.startsWith("keepalive") || rest.startsWith("reconnect")) {
			return 2;
		}
		return 0;
	}

	private static String generate() throws IOException {
		StringBuilder out = new StringBuilder();
		out.append("# Configuration properties\n\n");
		out.append("<!-- Generated from spring-configuration-metadata.json by PropertiesDocumentationTests. ")
			.append("Do not edit: change the javadoc of SshTunnelProperties and run ")
			.append("DOCS_UPDATE=true ./mvnw test -pl ssh-tunnel-spring-boot-autoconfigure ")
			.append("-Dtest=PropertiesDocumentationTests -->\n\n");
		out.append("All properties live under `ssh.tunnel`. `<name>` is the name of a forward, ")
			.append("for example `db`; `[N]` the index of a jump host, from 0. Durations take Spring Boot's formats (`10s`, `500ms`, `1m`).\n\n");
		out.append("| Property | Type | Default | Description |\n");
		out.append("|---|---|---|---|\n");
		for (Map<String, Object> property : properties()) {
			String name = ((String) property.get("name")).replace(".forwards.*.", ".forwards.<name>.")
				.replace(".jump-hosts[*].", ".jump-hosts[N].");
			out.append("| `")
				.append(name)
				.append("` | ")
				.append(simpleType((String) property.get("type")))
				.append(" | ")
				.append(defaultValue(property.get("defaultValue")))
				.append(" | ")
				.append(escape((String) property.get("description")))
				.append(" |\n");
		}
		out.append("\nThe port bound by each forward is published as `local.ssh.tunnel.forwards.<name>.port` ")
			.append("(and its address as `local.ssh.tunnel.forwards.<name>.host`).\n");
		return out.toString();
	}

	private static String simpleType(String type) {
		if (type == null) {
			return "";
		}
		String simple = type.replace("java.lang.", "").replace("java.time.", "");
		if (simple.startsWith("java.util.Map")) {
			return "Map";
		}
		if (simple.startsWith("java.util.List")) {
			return "List";
		}
		return "`" + simple + "`";
	}

	private static String defaultValue(Object value) {
		return (value != null) ? "`" + value + "`" : "";
	}

	private static String escape(String text) {
		return (text != null) ? text.replace("|", "\\|").replace("\n", " ") : "";
	}

}

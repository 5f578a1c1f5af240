package io.github.sshtunnel.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample processed by {@code spring-boot:process-aot} and run from its jar with
 * {@code -Dspring.aot.enabled=true}: the tunnel opens before the connection pool starts
 * and closes after the pool has shut down, as without AOT. Also with the start-up caches
 * that Boot documents: a CDS archive (Java 17 to 24) or a JDK AOT cache (Java 25 and
 * later), made by a training run and then required ({@code -Xshare:on},
 * {@code -XX:AOTMode=on}). Run by failsafe in the {@code aot} profile:
 * {@code ./mvnw -pl sample-app -am -P aot verify}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SampleApplicationAotTests {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@TempDir
	private Path temp;

	@Test
	void generatedBeanDefinitionsKeepTheDependsOnEdges() throws IOException {
		Path sources = Path.of(System.getProperty("sample.aot-sources"));
		Path dataSource = sources
			.resolve("org/springframework/boot/jdbc/autoconfigure/DataSourceConfiguration__BeanDefinitions.java");
		assertThat(dataSource).isRegularFile();
		assertThat(Files.readString(dataSource)).contains("beanDefinition.setDependsOn(\"sshTunnel\")");
		Path properties = sources
			.resolve("org/springframework/boot/jdbc/autoconfigure/DataSourceProperties__BeanDefinitions.java");
		assertThat(Files.readString(properties)).contains("beanDefinition.setDependsOn(\"sshTunnel\")");
	}

	@Test
	void opensTheTunnelBeforeTheDataSourceAndClosesItAfterInAotMode() throws Exception {
		Path log = this.temp.resolve("aot.log");
		runAndCheck(command(List.of(), "-jar", jar().toString()), log);
	}

	@Test
	void opensTheTunnelBeforeTheDataSourceAndClosesItAfterWithAStartupCache() throws Exception {
		Path extracted = this.temp.resolve("app");
		exec(command(List.of("-Djarmode=tools"), "-jar", jar().toString(), "extract", "--destination",
				extracted.toString()), this.temp.resolve("extract.log"));
		Path appJar = extracted.resolve(jar().getFileName());
		assertThat(appJar).isRegularFile();
		List<String> training;
		List<String> using;
		if (Runtime.version().feature() >= 25) {
			Path cache = this.temp.resolve("app.aot");
			training = List.of("-XX:AOTCacheOutput=" + cache);
			using = List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on");
		}
		else {
			Path archive = this.temp.resolve("app.jsa");
			training = List.of("-XX:ArchiveClassesAtExit=" + archive);
			using = List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:on");
		}
		// the training run: start, refresh (the tunnel opens), exit
		List<String> trainingOptions = new ArrayList<>(training);
		trainingOptions.add("-Dspring.context.exit=onRefresh");
		Path trainingLog = this.temp.resolve("training.log");
		exec(command(trainingOptions, "-jar", appJar.toString()), trainingLog);
		assertThat(Files.readString(trainingLog)).contains("Starting AOT-processed SampleApplication");
		runAndCheck(command(using, "-jar", appJar.toString()), this.temp.resolve("cached.log"));
	}

	private void runAndCheck(List<String> command, Path log) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		try {
			await().atMost(START_TIMEOUT)
				.until(() -> !process.isAlive() || Files.readString(log).contains("Started SampleApplication"));
			assertThat(process.isAlive()).as("the application is running; its output:%n%s", Files.readString(log))
				.isTrue();
			Matcher port = PORT.matcher(Files.readString(log));
			assertThat(port.find()).isTrue();
			String base = "http://127.0.0.1:" + port.group(1);
			assertThat(get(base + "/api/greetings")).contains("Hello through the SSH tunnel");
			// the overall status is DOWN if the tunnel's is
			assertThat(get(base + "/actuator/health")).contains("\"sshTunnel\":").endsWith("\"status\":\"UP\"}");
		}
		finally {
			process.destroy();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
		String output = Files.readString(log);
		assertThat(output).contains("Starting AOT-processed SampleApplication");
		assertThat(output).containsSubsequence("SSH tunnel demo@", "established", "HikariPool-1 - Start completed",
				"Started SampleApplication", "HikariPool-1 - Shutdown completed", "SSH tunnel to ", " closed",
				"Demo servers stopped");
	}

	private String get(String url) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url).isEqualTo(200);
		return response.body();
	}

	private static void exec(List<String> command, Path log) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		boolean exited = process.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		if (!exited) {
			process.destroyForcibly();
		}
		assertThat(exited && process.exitValue() == 0).as("%s; its output:%n%s", command, Files.readString(log))
			.isTrue();
	}

	private static List<String> command(List<String> jvmOptions, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Dspring.aot.enabled=true");
		command.addAll(jvmOptions);
		command.addAll(List.of(arguments));
		if (List.of(arguments).contains("-jar") && !List.of(arguments).contains("extract")) {
			command.add("--server.port=0");
		}
		return command;
	}

	private static Path jar() {
		Path jar = Path.of(System.getProperty("sample.jar"));
		assertThat(jar).isRegularFile();
		return jar;
	}

}

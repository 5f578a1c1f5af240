package io.github.sshtunnel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public type of the published jar (the tunnel, its events, health, metrics and the
 * auto-configuration) has javadoc, and every package a {@code package-info.java}: the
 * javadoc jar that Maven Central takes is what a user reads.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class PublicApiJavadocTests {

	private static final Path SOURCES = Path.of("src/main/java");

	private static final Pattern PUBLIC_TYPE = Pattern.compile(
			"^[ \\t]*public\\s+(?:(?:static|final|abstract|sealed|non-sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)",
			Pattern.MULTILINE);

	@Test
	void everyPublicTypeHasJavadoc() throws IOException {
		List<String> undocumented = new ArrayList<>();
		List<Path> files = javaFiles();
		assertThat(files).hasSizeGreaterThan(20);
		for (Path file : files) {
			String source = Files.readString(file);
			Matcher matcher = PUBLIC_TYPE.matcher(source);
			while (matcher.find()) {
				if (!documented(source.substring(0, matcher.start()))) {
					undocumented.add(SOURCES.relativize(file) + ": " + matcher.group(1));
				}
			}
		}
		assertThat(undocumented).isEmpty();
	}

	@Test
	void everyPackageHasPackageInfo() throws IOException {
		List<Path> files = javaFiles();
		List<Path> packages = files.stream().map(Path::getParent).distinct().toList();
		assertThat(packages).isNotEmpty()
			.allSatisfy((directory) -> assertThat(directory.resolve("package-info.java")).isRegularFile());
	}

	/**
	 * Whether the text before a declaration ends with a javadoc comment, followed only by
	 * annotations.
	 */
	private static boolean documented(String before) {
		int end = before.lastIndexOf("*/");
		if (end < 0 || before.lastIndexOf("/**") < 0) {
			return false;
		}
		String between = before.substring(end + 2);
		if (between.contains(";")) {
			return false;
		}
		return between.lines().map(String::strip).allMatch((line) -> line.isEmpty() || !line.startsWith("}"));
	}

	private static List<Path> javaFiles() throws IOException {
		try (Stream<Path> paths = Files.walk(SOURCES)) {
			return paths.filter((path) -> path.toString().endsWith(".java"))
				.filter((path) -> !path.getFileName().toString().equals("package-info.java"))
				.sorted()
				.toList();
		}
	}

}

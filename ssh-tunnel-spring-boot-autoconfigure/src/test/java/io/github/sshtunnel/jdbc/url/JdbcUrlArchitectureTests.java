package io.github.sshtunnel.jdbc.url;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The URL library is plain Java: no Spring, no SSH, and of the tunnel only its settings
 * value types.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class JdbcUrlArchitectureTests {

	private static final String PACKAGE = "io.github.sshtunnel.jdbc.url";

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(PACKAGE);

	@Test
	void usesNeitherSpringNorMinaNorTheTunnelsRooms() {
		noClasses().that()
			.resideInAPackage(PACKAGE + "..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.springframework..", "org.apache.sshd..", "io.github.sshtunnel.core.*..",
					"io.github.sshtunnel.autoconfigure..")
			.check(this.classes);
	}

}

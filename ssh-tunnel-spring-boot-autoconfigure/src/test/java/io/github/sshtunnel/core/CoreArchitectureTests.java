package io.github.sshtunnel.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The direction of the arrows in the tunnel's core. The API package
 * ({@code io.github.sshtunnel.core}) holds the facade {@link SshTunnel} and the value
 * types everyone shares (settings, state, the exception, listener and customizer); each
 * sub-package is one room (client, connect, forward, hostkey, keys, session). The facade
 * uses the rooms; the rooms use the value types and each other without cycles, and never
 * the facade; the value types use no room; and nothing in the core uses Spring.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class CoreArchitectureTests {

	private static final String CORE = "io.github.sshtunnel.core";

	private final JavaClasses classes = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages(CORE);

	@Test
	void coreHasNoSpringTypes() {
		noClasses().that()
			.resideInAPackage(CORE + "..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("org.springframework..")
			.check(this.classes);
	}

	@Test
	void roomsAreFreeOfCycles() {
		slices().matching(CORE + ".(*)..").should().beFreeOfCycles().check(this.classes);
	}

	@Test
	void roomsNeverUseTheFacade() {
		noClasses().that()
			.resideInAPackage(CORE + ".*..")
			.should()
			.dependOnClassesThat()
			.belongToAnyOf(SshTunnel.class)
			.check(this.classes);
	}

	@Test
	void valueTypesUseNoRoom() {
		noClasses().that()
			.resideInAPackage(CORE)
			.and()
			.doNotBelongToAnyOf(SshTunnel.class)
			.should()
			.dependOnClassesThat()
			.resideInAPackage(CORE + ".*..")
			.check(this.classes);
	}

	@Test
	void forwardsKnowOnlyTheirContext() {
		noClasses().that()
			.resideInAPackage(CORE + ".forward..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(CORE + ".session..", CORE + ".connect..", CORE + ".client..", CORE + ".hostkey..",
					CORE + ".keys..")
			.check(this.classes);
	}

	@Test
	void keyMaterialAndHostKeysDoNotKnowHowTheyAreUsed() {
		noClasses().that()
			.resideInAnyPackage(CORE + ".keys..", CORE + ".hostkey..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage(CORE + ".session..", CORE + ".connect..", CORE + ".client..", CORE + ".forward..")
			.check(this.classes);
	}

}

package dev.butler;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules of the house's layout, as ARCHITECTURE.md states them: what each package may use.
 */
@AnalyzeClasses(packages = "dev.butler",
		importOptions = { ImportOption.DoNotIncludeTests.class, ArchitectureTests.DoNotIncludeTestJars.class })
class ArchitectureTests {

	@ArchTest
	static final ArchRule protocolShouldDependOnNothingOfSpringNorOfTheRuntime = noClasses()
		.that()
		.resideInAPackage("dev.butler.protocol..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework..", "io.micrometer..", "jakarta..", "dev.butler.service..",
				"dev.butler.runtime..", "dev.butler.control..", "dev.butler.config..", "dev.butler.pipe..", "dev.butler.queue..",
				"dev.butler.standard..", "dev.butler.integration..", "dev.butler.monitor..", "dev.butler.context..", "dev.butler.cluster..", "dev.butler.actuate..",
				"dev.butler.autoconfigure..");

	@ArchTest
	static final ArchRule zeromqEngineShouldDependOnNothingOfSpringNorOfOurs = noClasses()
		.that()
		.resideInAPackage("dev.butler.zeromq..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework..", "io.micrometer..", "jakarta..", "dev.butler.protocol..",
				"dev.butler.service..", "dev.butler.runtime..", "dev.butler.control..", "dev.butler.pipe..",
				"dev.butler.context..", "dev.butler.monitor..", "dev.butler.autoconfigure..");

	@ArchTest
	static final ArchRule onlyTheJeroMqEngineShouldKnowJeroMq = noClasses()
		.that()
		.resideOutsideOfPackage("dev.butler.zeromq..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.zeromq..", "zmq..");

	@ArchTest
	static final ArchRule coreShouldNotDependOnBootsAutoConfigurationNorOnTheActuator = noClasses()
		.that()
		.resideOutsideOfPackages("dev.butler.actuate..", "dev.butler.autoconfigure..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("org.springframework.boot.autoconfigure..", "org.springframework.boot.actuate..",
				"org.springframework.boot.health..", "io.micrometer.core..", "dev.butler.actuate..",
				"dev.butler.autoconfigure..");

	@ArchTest
	static final ArchRule standardServicesShouldUseOnlyTheServiceApiPipesAndQueues = noClasses()
		.that()
		.resideInAPackage("dev.butler.standard..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("dev.butler.runtime..", "dev.butler.control..", "dev.butler.integration..");

	@ArchTest
	static final ArchRule controlSupervisionAndActuatorShouldKnowResourcesOnlyByTheirSnapshots = noClasses()
		.that()
		.resideInAnyPackage("dev.butler.control..", "dev.butler.supervision..", "dev.butler.actuate..")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("dev.butler.pipe..", "dev.butler.queue..");

	@ArchTest
	static final ArchRule layersShouldOnlyBeUsedFromAbove = layeredArchitecture().consideringOnlyDependenciesInLayers()
		.layer("zeromq").definedBy("dev.butler.zeromq..")
		.layer("protocol").definedBy("dev.butler.protocol..")
		.layer("service").definedBy("dev.butler.service..")
		.layer("runtime").definedBy("dev.butler.runtime..")
		.layer("pipe").definedBy("dev.butler.pipe..")
		.layer("queue").definedBy("dev.butler.queue..")
		.layer("control").definedBy("dev.butler.control..")
		.layer("supervision").definedBy("dev.butler.supervision..")
		.layer("config").definedBy("dev.butler.config..")
		.layer("monitor").definedBy("dev.butler.monitor..")
		.layer("context").definedBy("dev.butler.context..")
		.layer("cluster").definedBy("dev.butler.cluster..")
		.layer("standard").definedBy("dev.butler.standard..")
		.layer("integration").definedBy("dev.butler.integration..")
		.layer("actuate").definedBy("dev.butler.actuate..")
		.layer("autoconfigure").definedBy("dev.butler.autoconfigure..")
		.whereLayer("autoconfigure").mayNotBeAccessedByAnyLayer()
		.whereLayer("actuate").mayOnlyBeAccessedByLayers("autoconfigure")
		.whereLayer("integration").mayOnlyBeAccessedByLayers("autoconfigure")
		.whereLayer("standard").mayOnlyBeAccessedByLayers("autoconfigure")
		.whereLayer("config").mayOnlyBeAccessedByLayers("actuate", "autoconfigure")
		.whereLayer("monitor").mayOnlyBeAccessedByLayers("actuate", "autoconfigure")
		.whereLayer("context").mayOnlyBeAccessedByLayers("actuate", "autoconfigure")
		.whereLayer("cluster").mayOnlyBeAccessedByLayers("actuate", "autoconfigure")
		.whereLayer("supervision").mayOnlyBeAccessedByLayers("context", "actuate", "autoconfigure")
		.whereLayer("control").mayOnlyBeAccessedByLayers("supervision", "integration", "actuate", "autoconfigure")
		.whereLayer("runtime").mayOnlyBeAccessedByLayers("control", "supervision", "config", "monitor", "context", "cluster", "integration",
				"actuate", "autoconfigure")
		.whereLayer("pipe").mayOnlyBeAccessedByLayers("standard", "integration", "autoconfigure")
		.whereLayer("queue").mayOnlyBeAccessedByLayers("standard", "autoconfigure")
		.whereLayer("zeromq").mayOnlyBeAccessedByLayers("service", "runtime", "pipe", "control", "monitor", "context",
				"standard", "integration", "actuate", "autoconfigure")
		.whereLayer("service").mayOnlyBeAccessedByLayers("runtime", "pipe", "queue", "control", "supervision", "config",
				"standard", "integration", "actuate", "autoconfigure");

	@ArchTest
	static final ArchRule packagesShouldBeFreeOfCycles = slices().matching("dev.butler.(**)").should().beFreeOfCycles();

	/**
	 * Leaves out the test jars of other modules (core's test fixtures), as {@link ImportOption.DoNotIncludeTests}
	 * leaves out this module's test classes.
	 */
	static final class DoNotIncludeTestJars implements ImportOption {

		@Override
		public boolean includes(Location location) {
			return !location.contains("-tests.jar");
		}

	}

}

package dev.butler.autoconfigure;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.VendorUids;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

import static dev.butler.pipe.PipeTestSupport.freeTcpAddress;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the warning given when a service of the application goes by the library's vendor uid.
 */
@ExtendWith(OutputCaptureExtension.class)
class LibraryVendorWarningTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class));

	@Test
	void serviceNamingNoVendorShouldBeWarnedOfTheLibraryVendor(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(NoVendorService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ManagedMicroService.class).agent().vendor())
				.isEqualTo(VendorUids.BUTLER);
		});
		assertThat(output).contains("WARN")
			.contains("Butler service 'no-vendor'")
			.contains("vendor uid of the Butler library, " + VendorUids.BUTLER)
			.contains("@ButlerService(vendor = ");
	}

	@Test
	void serviceNamingTheLibraryVendorShouldBeWarnedToo(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(LibraryVendorService.class)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("Butler service 'library-vendor'").contains("vendor uid of the Butler library");
	}

	@Test
	void serviceNamingItsOwnVendorShouldNotBeWarned(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(OwnVendorService.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ManagedMicroService.class));
		assertThat(output).doesNotContain("vendor uid of the Butler library");
	}

	@Test
	void standardServiceOfTheLibraryShouldNotBeWarned(@TempDir Path dir, CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("butler.services.store.agent=butler.queue.writer",
					"butler.services.store.queue-out-dir=" + dir.resolve("queue"), "butler.services.store.pipe=data",
					"butler.services.store.pipe-address=" + freeTcpAddress(), "butler.services.store.pipe-mode=bind")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ManagedMicroService.class).agent().vendor())
					.isEqualTo(VendorUids.BUTLER);
			});
		assertThat(output).contains("store").doesNotContain("vendor uid of the Butler library");
	}

	@ButlerService(id = "no-vendor", name = "test.no-vendor")
	static class NoVendorService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

	@ButlerService(id = "library-vendor", name = "test.library-vendor", vendor = "ff4d3dae-4d88-5f51-a7c1-167aaf653a8f")
	static class LibraryVendorService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

	@ButlerService(id = "own-vendor", name = "test.own-vendor", vendor = "75b40f50-b5fb-458a-8622-0e6afaaf53c9")
	static class OwnVendorService implements MicroService<Void> {

		@Override
		public void initialize(Void config, ServiceContext context) {
		}

	}

}

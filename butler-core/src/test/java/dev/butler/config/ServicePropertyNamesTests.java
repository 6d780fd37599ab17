package dev.butler.config;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link ServicePropertyNames}.
 */
class ServicePropertyNamesTests {

	@Test
	void nearestShouldPreferTheSmallestEditDistance() {
		assertThat(ServicePropertyNames.nearest("fiel", List.of("file", "file-mode", "filename")))
			.containsExactly("file");
		assertThat(ServicePropertyNames.nearest("file_mod", List.of("file", "file-mode")))
			.containsExactly("file-mode");
		assertThat(ServicePropertyNames.nearest("colour", List.of("port", "idle-timeout"))).isEmpty();
	}

}

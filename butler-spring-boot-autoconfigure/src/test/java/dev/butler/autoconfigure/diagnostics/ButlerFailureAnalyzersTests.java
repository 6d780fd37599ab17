package dev.butler.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.butler.control.ComponentControlException;
import dev.butler.service.ServiceConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

class ButlerFailureAnalyzersTests {

	@Test
	void analyzeServiceConfigurationFailureShouldNameTheProperty() {
		ServiceConfigurationException cause = new ServiceConfigurationException("butler.services.echo.port", -1,
				"must be positive");
		FailureAnalysis analysis = new ServiceConfigurationFailureAnalyzer()
			.analyze(new IllegalStateException("Failed to start bean", cause));
		assertThat(analysis.getDescription())
			.contains("Invalid value '-1' for property 'butler.services.echo.port': must be positive");
		assertThat(analysis.getAction()).contains("'butler.services.echo.port'");
	}

	@Test
	void analyzeComponentControlFailureShouldSuggestOptional() {
		FailureAnalysis analysis = new ComponentControlFailureAnalyzer().analyze(new IllegalStateException("x",
				new ComponentControlException("Butler service 'echo' did not report READY within 100 ms")));
		assertThat(analysis.getDescription()).contains("did not report READY within 100 ms");
		assertThat(analysis.getAction()).contains("butler.services.<id>.optional=true");
	}

}

package dev.butler.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.butler.component.IpcPolicy;
import dev.butler.component.UnsupportedTransportException;
import dev.butler.control.ComponentControlException;
import dev.butler.service.ServiceConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
	void analyzeIpcAddressFailureShouldSuggestTcpInprocOrEmulation() {
		UnsupportedTransportException cause = assertThrows(UnsupportedTransportException.class,
				() -> IpcPolicy.REJECT.checkProperty("butler.services.writer.pipe-address", "ipc://feed"));
		FailureAnalysis analysis = new UnsupportedTransportFailureAnalyzer().analyze(new IllegalStateException(
				"Failed to start bean", new ComponentControlException("Butler service 'writer' failed", cause)));
		assertThat(analysis.getDescription()).contains("Invalid value 'ipc://feed' for property "
				+ "'butler.services.writer.pipe-address': ipc:// is not supported by the JeroMQ engine");
		assertThat(analysis.getAction()).contains("property 'butler.services.writer.pipe-address'")
			.contains("tcp://")
			.contains("inproc://")
			.contains("butler.zmq.ipc=emulate");
	}

	@Test
	void analyzeComponentControlFailureShouldSuggestOptional() {
		FailureAnalysis analysis = new ComponentControlFailureAnalyzer().analyze(new IllegalStateException("x",
				new ComponentControlException("Butler service 'echo' did not report READY within 100 ms")));
		assertThat(analysis.getDescription()).contains("did not report READY within 100 ms");
		assertThat(analysis.getAction()).contains("butler.services.<id>.optional=true");
	}

}

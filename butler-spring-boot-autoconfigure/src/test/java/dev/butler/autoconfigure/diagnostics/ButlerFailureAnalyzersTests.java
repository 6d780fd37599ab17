package dev.butler.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.butler.control.ComponentControlException;
import dev.butler.runtime.EndpointAddressException;
import dev.butler.runtime.IpcPolicy;
import dev.butler.runtime.UnsupportedTransportException;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.zeromq.JeroMqEngine;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqSocket;
import dev.butler.zeromq.ZmqSocketType;

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
	void analyzeAddressInUseShouldSayWhoHoldsItAndWhatToChange() {
		try (ZmqContext zmq = JeroMqEngine.INSTANCE.newContext(1); ZmqSocket squatter = zmq.socket(ZmqSocketType.PAIR);
				ZmqSocket socket = zmq.socket(ZmqSocketType.PAIR)) {
			squatter.bind("tcp://127.0.0.1:*");
			String address = String.valueOf(squatter.lastEndpoint());
			RuntimeException inUse = assertThrows(RuntimeException.class, () -> socket.bind(address));
			EndpointAddressException cause = EndpointAddressException.of("Channel 'out' of service 'feed' cannot bind",
					address, inUse);
			FailureAnalysis analysis = new EndpointAddressFailureAnalyzer()
				.analyze(new IllegalStateException("Failed to start bean", cause.withProperty("butler.services.feed.out")));
			assertThat(analysis.getDescription()).isEqualTo("Channel 'out' of service 'feed' cannot bind " + address
					+ " (property 'butler.services.feed.out'): the address is already in use");
			assertThat(analysis.getAction()).isEqualTo("Stop the process that listens on " + address
					+ ", or set property 'butler.services.feed.out' to a free address.");
		}
	}

	@Test
	void analyzeBadAddressGivenInCodeShouldAskForAValidOne() {
		try (ZmqContext zmq = JeroMqEngine.INSTANCE.newContext(1); ZmqSocket socket = zmq.socket(ZmqSocketType.PAIR)) {
			RuntimeException bad = assertThrows(RuntimeException.class, () -> socket.connect("tcp://127.0.0.1"));
			EndpointAddressException cause = EndpointAddressException
				.of("Channel 'out' of service 'feed' cannot connect to", "tcp://127.0.0.1", bad);
			FailureAnalysis analysis = new EndpointAddressFailureAnalyzer().analyze(cause);
			assertThat(analysis.getDescription()).isEqualTo("Channel 'out' of service 'feed' cannot connect to "
					+ "tcp://127.0.0.1: no port; expected tcp://<host>:<port>, e.g. tcp://127.0.0.1:5700");
			assertThat(analysis.getAction()).startsWith("Change the code that gives it to a valid address: ");
		}
	}

	@Test
	void analyzeComponentControlFailureShouldSuggestOptional() {
		FailureAnalysis analysis = new ComponentControlFailureAnalyzer().analyze(new IllegalStateException("x",
				new ComponentControlException("Butler service 'echo' did not report READY within 100 ms")));
		assertThat(analysis.getDescription()).contains("did not report READY within 100 ms");
		assertThat(analysis.getAction()).contains("butler.services.<id>.optional=true");
	}

}

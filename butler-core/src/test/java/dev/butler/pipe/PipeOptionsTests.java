package dev.butler.pipe;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests of the constraints {@link PipeOptions#validate()} checks on options given in code.
 */
class PipeOptionsTests {

	@Test
	void peerTimeoutAboveWhatZeroMqHeartbeatsTakeShouldBeRefusedNamingTheOption() {
		PipeOptions options = options(Duration.ofSeconds(656), Duration.ofSeconds(10), Duration.ofSeconds(5));
		assertThatIllegalArgumentException().isThrownBy(() -> options.validate("input_"))
			.withMessage("'input_peer_timeout' must be between 100 ms and 655 s, got PT10M56S");
	}

	@Test
	void negativeCloseTimeoutShouldBeRefusedNamingTheOption() {
		PipeOptions options = options(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(-1));
		assertThatIllegalArgumentException().isThrownBy(options::validate)
			.withMessage("'close_timeout' must not be negative, got PT-1S");
	}

	@Test
	void zeroOpenTimeoutShouldBeRefusedNamingTheOption() {
		PipeOptions options = options(Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(5));
		assertThatIllegalArgumentException().isThrownBy(options::validate)
			.withMessage("'open_timeout' must be positive, got PT0S");
	}

	@Test
	void connectingWithoutFormatShouldBeRefusedNamingTheOption() {
		PipeOptions options = new PipeOptions("items", "tcp://127.0.0.1:5700", PipeMode.CONNECT, " ", 50,
				Duration.ofSeconds(1), true);
		assertThatIllegalArgumentException().isThrownBy(() -> options.validate("output_"))
			.withMessage("'output_pipe_format' is required for CONNECT pipe mode");
	}

	@Test
	void batchSizeOfZeroShouldBeRefusedNamingTheOption() {
		PipeOptions options = new PipeOptions("items", "tcp://127.0.0.1:5700", PipeMode.BIND, null, 0,
				Duration.ofSeconds(1), true);
		assertThatIllegalArgumentException().isThrownBy(options::validate)
			.withMessage("'batch_size' must be greater than or equal to 1, got 0");
	}

	@Test
	void validOptionsShouldPass() {
		PipeOptions options = options(Duration.ofMillis(100), Duration.ofMillis(1), Duration.ZERO);
		assertThatNoException().isThrownBy(options::validate);
	}

	private static PipeOptions options(Duration peerTimeout, Duration openTimeout, Duration closeTimeout) {
		return new PipeOptions("items", "tcp://127.0.0.1:5700", PipeMode.CONNECT, "text/plain", 50,
				Duration.ofSeconds(1), true, peerTimeout, openTimeout, closeTimeout);
	}

}

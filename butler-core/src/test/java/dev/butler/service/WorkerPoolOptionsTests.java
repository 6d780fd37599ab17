package dev.butler.service;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link WorkerPoolOptions}: Go srv's default caps and checks that name the option at fault.
 */
class WorkerPoolOptionsTests {

	@Test
	void ofShouldGiveCapsOfTwiceAndFourTimesTheWorkers() {
		WorkerPoolOptions options = WorkerPoolOptions.of(3);
		assertThat(options).isEqualTo(new WorkerPoolOptions(3, 6, 12, Duration.ofSeconds(5)));
		options.validate();
	}

	@Test
	void validateShouldRefuseFewerThanOneWorker() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WorkerPoolOptions(0, 2, 4, Duration.ZERO).validate())
			.withMessage("'workers' must be greater than or equal to 1, got 0");
	}

	@Test
	void validateShouldRefuseASoftCapBelowTheWorkers() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerPoolOptions.of(4).withCaps(2, 8).validate())
			.withMessage("'soft_cap' must not be less than 'workers' (4), got 2");
	}

	@Test
	void validateShouldRefuseAHardCapBelowTheSoftCap() {
		assertThatIllegalArgumentException().isThrownBy(() -> WorkerPoolOptions.of(2).withCaps(8, 4).validate())
			.withMessage("'hard_cap' must not be less than 'soft_cap' (8), got 4");
	}

	@Test
	void validateShouldRefuseANegativeDrainTimeout() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WorkerPoolOptions.of(1).withDrainTimeout(Duration.ofSeconds(-1)).validate())
			.withMessage("'drain_timeout' must not be negative, got PT-1S");
	}

}

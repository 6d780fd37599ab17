package dev.butler.supervision;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Backoff} and {@link RestartIntensity}.
 */
class BackoffTests {

	@Test
	void delayShouldStayAtTheMaximumForAnyNumberOfAttempts() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMinutes(5), 0, Duration.ofSeconds(60));
		assertThat(backoff.delay(40, 0)).isEqualTo(Duration.ofMinutes(5));
		assertThat(backoff.delay(63, 0)).isEqualTo(Duration.ofMinutes(5));
		assertThat(backoff.delay(Integer.MAX_VALUE, 0)).isEqualTo(Duration.ofMinutes(5));
	}

	@Test
	void equalMinimumAndMaximumShouldGiveAFixedInterval() {
		Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(2), 0, Duration.ofSeconds(60));
		assertThat(backoff.delay(0, 0.7)).isEqualTo(Duration.ofSeconds(2));
		assertThat(backoff.delay(9, 0.7)).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void maximumBelowMinimumShouldBeRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0, Duration.ZERO))
			.withMessage("The maximum backoff PT1S is below the minimum PT2S");
	}

	@Test
	void randomFactorOutsideZeroToOneShouldBeRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 1.5, Duration.ZERO))
			.withMessage("The random factor must be from 0 to 1, was 1.5");
	}

	@Test
	void negativeRestartsOrEmptyPeriodShouldBeRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RestartIntensity(-1, Duration.ofSeconds(1)))
			.withMessage("The number of restarts must not be negative, was -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new RestartIntensity(1, Duration.ZERO))
			.withMessage("The restart period must be positive, was PT0S");
	}

}

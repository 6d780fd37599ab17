package dev.butler.service;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Durations}.
 */
class DurationsTests {

	@Test
	void humanShouldUseMillisecondsUnderASecond() {
		assertThat(Durations.human(Duration.ZERO)).isEqualTo("0ms");
		assertThat(Durations.human(Duration.ofMillis(850))).isEqualTo("850ms");
	}

	@Test
	void humanShouldGiveTheTwoLargestUnitsRoundedDown() {
		assertThat(Durations.human(Duration.ofMillis(12_900))).isEqualTo("12s");
		assertThat(Durations.human(Duration.ofSeconds(125))).isEqualTo("2m 5s");
		assertThat(Durations.human(Duration.ofMinutes(63).plusSeconds(59))).isEqualTo("1h 3m");
		assertThat(Durations.human(Duration.ofHours(52).plusMinutes(7))).isEqualTo("2d 4h");
	}

	@Test
	void humanShouldLeaveOutASecondUnitOfZero() {
		assertThat(Durations.human(Duration.ofMinutes(2))).isEqualTo("2m");
		assertThat(Durations.human(Duration.ofDays(3))).isEqualTo("3d");
	}

	@Test
	void humanShouldTreatANegativeDurationAsZero() {
		assertThat(Durations.human(Duration.ofSeconds(-5))).isEqualTo("0ms");
	}

}

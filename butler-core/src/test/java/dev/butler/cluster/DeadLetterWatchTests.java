package dev.butler.cluster;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeadLetterWatch}: the growth of banished messages within a sliding period,
 * read at times the test gives.
 */
class DeadLetterWatchTests {

	private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

	private final DeadLetterWatch watch = new DeadLetterWatch(10, Duration.ofSeconds(60));

	@Test
	void growthWithinTheLimitShouldRaiseNoAlarm() {
		assertThat(this.watch.check(T0, 100)).isNull();
		assertThat(this.watch.check(T0.plusSeconds(30), 105)).isNull();
		assertThat(this.watch.check(T0.plusSeconds(59), 110)).isNull();
	}

	@Test
	void growthAboveTheLimitWithinThePeriodShouldRaiseOneAlarmUntilItFallsBack() {
		assertThat(this.watch.check(T0, 0)).isNull();
		assertThat(this.watch.check(T0.plusSeconds(20), 11))
			.isEqualTo("11 messages banished within 20 s, more than 10 within 60 s");
		assertThat(this.watch.check(T0.plusSeconds(40), 15)).as("raised once").isNull();
		assertThat(this.watch.check(T0.plusSeconds(100), 15)).as("back under the limit").isNull();
		assertThat(this.watch.check(T0.plusSeconds(110), 27)).isNotNull();
	}

	@Test
	void growthSpreadOverMoreThanThePeriodShouldRaiseNoAlarm() {
		assertThat(this.watch.check(T0, 0)).isNull();
		assertThat(this.watch.check(T0.plusSeconds(50), 6)).isNull();
		assertThat(this.watch.check(T0.plusSeconds(100), 12)).as("6 within the last 60 s").isNull();
		assertThat(this.watch.check(T0.plusSeconds(150), 18)).isNull();
	}

	@Test
	void totalThatFallsShouldStartThePeriodAfresh() {
		assertThat(this.watch.check(T0, 50)).isNull();
		assertThat(this.watch.check(T0.plusSeconds(10), 3)).as("an instance restarted").isNull();
		assertThat(this.watch.check(T0.plusSeconds(20), 14)).isEqualTo(
				"11 messages banished within 10 s, more than 10 within 60 s");
	}

}

package dev.butler.supervision;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.butler.control.RunEnding;
import dev.butler.supervision.RestartTracker.Decision;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RestartTracker}: every decision from given times, no clock and no thread.
 */
class RestartTrackerTests {

	private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

	private static final Backoff FIXED_100_MS = new Backoff(Duration.ofMillis(100), Duration.ofMillis(100), 0,
			Duration.ofSeconds(60));

	@ParameterizedTest(name = "{0} after {1} restarts: {2}")
	@CsvSource({ "PERMANENT, NORMAL, true", "PERMANENT, ERROR, true", "PERMANENT, CRASH, true",
			"PERMANENT, STOPPED, false", "TRANSIENT, NORMAL, false", "TRANSIENT, ERROR, true",
			"TRANSIENT, CRASH, true", "TRANSIENT, STOPPED, false", "TEMPORARY, NORMAL, false",
			"TEMPORARY, ERROR, false", "TEMPORARY, CRASH, false", "TEMPORARY, STOPPED, false" })
	void endingShouldRestartAsTheRestartTypeSays(RestartType type, RunEnding ending, boolean restarted) {
		RestartTracker tracker = tracker(new RestartPolicy(type, RestartIntensity.DEFAULT, FIXED_100_MS));
		Decision decision = tracker.ended(ending, Duration.ofSeconds(1), T0);
		assertThat(decision).isInstanceOf(restarted ? Decision.Restart.class : Decision.Stay.class);
		assertThat(decision.ending()).isEqualTo(ending);
	}

	@Test
	void restartShouldBeDueAfterTheBackoffDelay() {
		RestartTracker tracker = tracker(new RestartPolicy(RestartType.TRANSIENT, RestartIntensity.DEFAULT, FIXED_100_MS));
		Decision.Restart restart = (Decision.Restart) tracker.ended(RunEnding.CRASH, Duration.ZERO, T0);
		assertThat(restart.attempt()).isEqualTo(1);
		assertThat(restart.delay()).isEqualTo(Duration.ofMillis(100));
		assertThat(restart.at()).isEqualTo(T0.plusMillis(100));
	}

	@Test
	void endsBeyondTheIntensityShouldGiveUpNamingTheLimit() {
		RestartTracker tracker = tracker(
				new RestartPolicy(RestartType.TRANSIENT, new RestartIntensity(3, Duration.ofSeconds(10)), FIXED_100_MS));
		for (int i = 0; i < 3; i++) {
			assertThat(tracker.ended(RunEnding.CRASH, Duration.ZERO, T0.plusSeconds(i)))
				.isInstanceOf(Decision.Restart.class);
		}
		Decision fourth = tracker.ended(RunEnding.ERROR, Duration.ZERO, T0.plusSeconds(3));
		assertThat(fourth).isInstanceOf(Decision.GiveUp.class);
		assertThat(((Decision.GiveUp) fourth).reason()).isEqualTo("more than 3 restarts within 10s");
	}

	@Test
	void restartsOlderThanThePeriodShouldNoLongerCount() {
		RestartTracker tracker = tracker(
				new RestartPolicy(RestartType.TRANSIENT, new RestartIntensity(2, Duration.ofSeconds(10)), FIXED_100_MS));
		tracker.ended(RunEnding.CRASH, Duration.ZERO, T0);
		tracker.ended(RunEnding.CRASH, Duration.ZERO, T0.plusSeconds(5));
		assertThat(tracker.ended(RunEnding.CRASH, Duration.ZERO, T0.plusSeconds(9)))
			.isInstanceOf(Decision.GiveUp.class);
		RestartTracker later = tracker(
				new RestartPolicy(RestartType.TRANSIENT, new RestartIntensity(2, Duration.ofSeconds(10)), FIXED_100_MS));
		later.ended(RunEnding.CRASH, Duration.ZERO, T0);
		later.ended(RunEnding.CRASH, Duration.ZERO, T0.plusSeconds(5));
		assertThat(later.ended(RunEnding.CRASH, Duration.ZERO, T0.plusSeconds(10)))
			.as("the first restart is exactly 10 s old: out of the period")
			.isInstanceOf(Decision.Restart.class);
	}

	@Test
	void zeroRestartsShouldGiveUpAtTheFirstAbnormalEnd() {
		RestartTracker tracker = tracker(
				new RestartPolicy(RestartType.TRANSIENT, new RestartIntensity(0, Duration.ofSeconds(10)), FIXED_100_MS));
		assertThat(tracker.ended(RunEnding.NORMAL, Duration.ZERO, T0)).isInstanceOf(Decision.Stay.class);
		assertThat(tracker.ended(RunEnding.CRASH, Duration.ZERO, T0)).isInstanceOf(Decision.GiveUp.class);
	}

	@Test
	void delaysShouldDoubleUpToTheMaximum() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), 0, Duration.ofSeconds(60));
		RestartTracker tracker = tracker(
				new RestartPolicy(RestartType.PERMANENT, new RestartIntensity(100, Duration.ofSeconds(1)), backoff));
		long[] delays = new long[6];
		for (int i = 0; i < delays.length; i++) {
			Decision.Restart restart = (Decision.Restart) tracker.ended(RunEnding.CRASH, Duration.ZERO,
					T0.plusSeconds(2L * i));
			delays[i] = restart.delay().toMillis();
		}
		assertThat(delays).containsExactly(100, 200, 400, 800, 1000, 1000);
	}

	@Test
	void aRunThatStayedUpForTheResetPeriodShouldStartTheDelaysAgain() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 0, Duration.ofSeconds(30));
		RestartTracker tracker = tracker(
				new RestartPolicy(RestartType.TRANSIENT, new RestartIntensity(100, Duration.ofSeconds(1)), backoff));
		tracker.ended(RunEnding.CRASH, Duration.ZERO, T0);
		Decision.Restart second = (Decision.Restart) tracker.ended(RunEnding.CRASH, Duration.ofSeconds(29),
				T0.plusSeconds(30));
		assertThat(second.attempt()).isEqualTo(2);
		assertThat(second.delay()).isEqualTo(Duration.ofMillis(200));
		Decision.Restart afterStableRun = (Decision.Restart) tracker.ended(RunEnding.CRASH, Duration.ofSeconds(30),
				T0.plusSeconds(61));
		assertThat(afterStableRun.attempt()).isEqualTo(1);
		assertThat(afterStableRun.delay()).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void randomPartShouldStretchTheDelayByAtMostTheRandomFactor() {
		Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 0.5, Duration.ofSeconds(60));
		double[] randoms = { 0.0, 0.5, 0.999999 };
		long[] delays = new long[randoms.length];
		for (int i = 0; i < randoms.length; i++) {
			double random = randoms[i];
			RestartTracker tracker = new RestartTracker(
					new RestartPolicy(RestartType.TRANSIENT, RestartIntensity.DEFAULT, backoff), () -> random);
			delays[i] = ((Decision.Restart) tracker.ended(RunEnding.CRASH, Duration.ZERO, T0)).delay().toMillis();
		}
		assertThat(delays[0]).isEqualTo(100);
		assertThat(delays[1]).isEqualTo(125);
		assertThat(delays[2]).isBetween(149L, 150L);
	}

	@Test
	void resetShouldForgetRestartsAndDelays() {
		RestartTracker tracker = tracker(
				new RestartPolicy(RestartType.TRANSIENT, new RestartIntensity(1, Duration.ofSeconds(10)),
						new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 0, Duration.ofSeconds(60))));
		tracker.ended(RunEnding.CRASH, Duration.ZERO, T0);
		assertThat(tracker.ended(RunEnding.CRASH, Duration.ZERO, T0.plusSeconds(1))).isInstanceOf(Decision.GiveUp.class);
		tracker.reset();
		Decision.Restart restart = (Decision.Restart) tracker.ended(RunEnding.CRASH, Duration.ZERO, T0.plusSeconds(2));
		assertThat(restart.attempt()).isEqualTo(1);
		assertThat(restart.delay()).isEqualTo(Duration.ofMillis(100));
	}

	private static RestartTracker tracker(RestartPolicy policy) {
		return new RestartTracker(policy, () -> 0);
	}

}

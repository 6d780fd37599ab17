package dev.butler.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of {@link Alarms}: when thresholds raise alarms.
 */
class AlarmsTests {

	private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

	@Test
	void rssAboveShouldRaiseOnceWhilePassedAndAgainAfterItWasClear() {
		Alarms alarms = new Alarms(new AlarmThresholds(100L, null, Duration.ZERO, null));
		assertThat(alarms.check(sample(T0, 50, 0, 0))).isEmpty();
		List<ProcessAlarm> raised = alarms.check(sample(T0.plusSeconds(1), 150, 0, 0));
		assertThat(raised).singleElement().satisfies((alarm) -> {
			assertThat(alarm.service()).isEqualTo("cmd");
			assertThat(alarm.pid()).isEqualTo(42);
			assertThat(alarm.kind()).isEqualTo(ProcessAlarm.Kind.RSS);
			assertThat(alarm.at()).isEqualTo(T0.plusSeconds(1));
		});
		assertThat(alarms.check(sample(T0.plusSeconds(2), 160, 0, 0))).isEmpty();
		assertThat(alarms.check(sample(T0.plusSeconds(3), 90, 0, 0))).isEmpty();
		assertThat(alarms.check(sample(T0.plusSeconds(4), 150, 0, 0))).hasSize(1);
	}

	@Test
	void cpuAboveShouldRaiseOnlyAfterItStayedAboveForItsDuration() {
		Alarms alarms = new Alarms(new AlarmThresholds(null, 80.0, Duration.ofSeconds(10), null));
		assertThat(alarms.check(sample(T0, 0, 95, 0))).isEmpty();
		assertThat(alarms.check(sample(T0.plusSeconds(5), 0, 95, 0))).isEmpty();
		assertThat(alarms.check(sample(T0.plusSeconds(6), 0, 10, 0))).isEmpty();
		assertThat(alarms.check(sample(T0.plusSeconds(7), 0, 95, 0))).isEmpty();
		assertThat(alarms.check(sample(T0.plusSeconds(16), 0, 95, 0))).isEmpty();
		assertThat(alarms.check(sample(T0.plusSeconds(17), 0, 95, 0))).singleElement()
			.satisfies((alarm) -> assertThat(alarm.kind()).isEqualTo(ProcessAlarm.Kind.CPU));
	}

	@Test
	void openFilesAboveAFractionOfTheLimitShouldRaise() {
		Alarms alarms = new Alarms(new AlarmThresholds(null, null, Duration.ZERO, 0.8));
		assertThat(alarms.check(sample(T0, 0, 0, 80))).isEmpty();
		assertThat(alarms.check(sample(T0.plusSeconds(1), 0, 0, 81))).singleElement()
			.satisfies((alarm) -> assertThat(alarm.reason()).isEqualTo("process 42 has 81 open files of its limit of 100"));
	}

	@Test
	void aServiceWithoutProcessesShouldRaiseNothing() {
		Alarms alarms = new Alarms(new AlarmThresholds(1L, null, Duration.ZERO, null));
		MonitorSnapshot gone = new MonitorSnapshot(T0, Map.of("cmd", ServiceProcesses.of("cmd", 42, List.of())));
		assertThat(alarms.check(gone)).isEmpty();
	}

	@Test
	void badThresholdsShouldBeRefusedNamingTheKey() {
		assertThatIllegalArgumentException().isThrownBy(() -> new AlarmThresholds(null, null, Duration.ZERO, 1.5))
			.withMessageStartingWith("open-files-above ");
		assertThatIllegalArgumentException().isThrownBy(() -> new AlarmThresholds(-1L, null, Duration.ZERO, null))
			.withMessageStartingWith("rss-above ");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new AlarmThresholds(null, 50.0, Duration.ofSeconds(-1), null))
			.withMessageStartingWith("cpu-for ");
	}

	private static MonitorSnapshot sample(Instant at, long rss, double cpu, long openFiles) {
		ProcessSample process = new ProcessSample(42, 1, "cmd", "RUNNING", rss, rss, cpu, 1, openFiles, 100, null,
				List.of());
		return new MonitorSnapshot(at, Map.of("cmd", ServiceProcesses.of("cmd", 42, List.of(process))));
	}

}

package dev.butler.runtime;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.butler.runtime.ServiceStatistics.RecordedError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServiceStatistics}.
 */
class ServiceStatisticsTests {

	@Test
	void recentErrorsShouldKeepTheLastTenAndCountThemAll() {
		ServiceStatistics statistics = new ServiceStatistics();
		Instant start = Instant.parse("2026-12-04T10:00:00Z");
		for (int i = 1; i <= 12; i++) {
			statistics.recordError(new RecordedError(start.plusSeconds(i), "run", List.of("failure " + i)));
		}
		assertThat(statistics.errors()).isEqualTo(12);
		assertThat(statistics.recentErrors()).hasSize(ServiceStatistics.RECENT_ERRORS);
		assertThat(statistics.recentErrors().get(0).details()).containsExactly("failure 3");
		assertThat(statistics.recentErrors().get(9).details()).containsExactly("failure 12");
		assertThat(statistics.recentErrors().get(9).at()).isEqualTo(start.plusSeconds(12));
	}

}

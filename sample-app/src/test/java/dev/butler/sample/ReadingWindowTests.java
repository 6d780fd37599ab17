package dev.butler.sample;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.butler.sample.ReadingWindow.Statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReadingWindowTests {

	private static final Instant TIMESTAMP = Instant.parse("2026-11-05T10:15:30Z");

	@Test
	void statisticsOfEmptyWindowHaveNoValues() {
		Statistics statistics = new ReadingWindow(3).statistics();
		assertThat(statistics).isEqualTo(new Statistics(3, 0, 0, 0, 0, null, null, null, null));
		assertThat(statistics.toJson()).isEqualTo("{\"window\":3,\"count\":0,\"received\":0,\"missed\":0,"
				+ "\"rejected\":0,\"min\":null,\"max\":null,\"mean\":null,\"last\":null}");
	}

	@Test
	void statisticsCoverOnlyTheLastReadings() {
		ReadingWindow window = new ReadingWindow(3);
		window.add(reading(1, 100.0));
		window.add(reading(2, 1.0));
		window.add(reading(3, 2.0));
		window.add(reading(4, 6.0));
		Statistics statistics = window.statistics();
		assertThat(statistics.count()).isEqualTo(3);
		assertThat(statistics.received()).isEqualTo(4);
		assertThat(statistics.min()).isEqualTo(1.0);
		assertThat(statistics.max()).isEqualTo(6.0);
		assertThat(statistics.mean()).isEqualTo(3.0);
		assertThat(statistics.last()).isEqualTo(reading(4, 6.0));
	}

	@Test
	void gapsInSequenceCountAsMissed() {
		ReadingWindow window = new ReadingWindow(10);
		window.add(reading(5, 1.0));
		window.add(reading(6, 1.0));
		window.add(reading(9, 1.0));
		assertThat(window.statistics().missed()).isEqualTo(2);
	}

	@Test
	void sequenceStartingAgainIsNotAGap() {
		ReadingWindow window = new ReadingWindow(10);
		window.add(reading(5, 1.0));
		window.add(reading(1, 1.0));
		window.add(reading(2, 1.0));
		assertThat(window.statistics().missed()).isZero();
	}

	@Test
	void resizeDropsOldestReadings() {
		ReadingWindow window = new ReadingWindow(4);
		for (int sequence = 1; sequence <= 4; sequence++) {
			window.add(reading(sequence, sequence));
		}
		window.resize(2);
		Statistics statistics = window.statistics();
		assertThat(statistics.window()).isEqualTo(2);
		assertThat(statistics.count()).isEqualTo(2);
		assertThat(statistics.min()).isEqualTo(3.0);
	}

	@Test
	void resizeToZeroThrowsException() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ReadingWindow(1).resize(0))
			.withMessage("Window capacity must be positive, got 0");
	}

	@Test
	void toJsonWritesOneLine() {
		ReadingWindow window = new ReadingWindow(2);
		window.add(reading(1, 20.5));
		window.add(reading(2, 21.5));
		window.reject();
		assertThat(window.statistics().toJson()).isEqualTo("{\"window\":2,\"count\":2,\"received\":2,\"missed\":0,"
				+ "\"rejected\":1,\"min\":20.5,\"max\":21.5,\"mean\":21.0,\"last\":{\"sequence\":2,"
				+ "\"timestamp\":\"2026-11-05T10:15:30Z\",\"value\":21.5}}");
	}

	private static Reading reading(long sequence, double value) {
		return new Reading(sequence, TIMESTAMP, value);
	}

}

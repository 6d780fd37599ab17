package dev.butler.sample;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ReadingTests {

	private static final Instant TIMESTAMP = Instant.parse("2026-11-05T10:15:30.123Z");

	@Test
	void toMessageWritesFourTextFrames() {
		List<byte[]> message = new Reading(42, TIMESTAMP, 21.5).toMessage();
		assertThat(message).map((frame) -> new String(frame, StandardCharsets.UTF_8))
			.containsExactly("reading", "42", "2026-11-05T10:15:30.123Z", "21.5");
	}

	@Test
	void fromMessageReadsWhatToMessageWrote() {
		Reading reading = new Reading(7, TIMESTAMP, -3.25);
		assertThat(Reading.fromMessage(reading.toMessage())).isEqualTo(reading);
	}

	@Test
	void fromMessageWithWrongFrameCountThrowsException() {
		assertThatIllegalArgumentException().isThrownBy(() -> Reading.fromMessage(message("reading", "1")))
			.withMessage("Expected a reading of 4 frames [topic, sequence, timestamp, value], got 2 frames");
	}

	@Test
	void fromMessageWithOtherTopicThrowsException() {
		assertThatIllegalArgumentException().isThrownBy(() -> Reading.fromMessage(message("readings", "1",
				"2026-11-05T10:15:30Z", "1.0")))
			.withMessage("Expected topic 'reading', got 'readings'");
	}

	@Test
	void fromMessageWithBadNumberThrowsException() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Reading.fromMessage(message("reading", "one", "2026-11-05T10:15:30Z", "1.0")))
			.withMessageStartingWith("Malformed reading [reading, one, 2026-11-05T10:15:30Z, 1.0]: ");
	}

	@Test
	void fromMessageWithBadTimestampThrowsException() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Reading.fromMessage(message("reading", "1", "yesterday", "1.0")))
			.withMessageStartingWith("Malformed reading [reading, 1, yesterday, 1.0]: ");
	}

	@Test
	void fromMessageWithValueNotFiniteThrowsException() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Reading.fromMessage(message("reading", "1", "2026-11-05T10:15:30Z", "NaN")))
			.withMessage("Reading value must be a finite number, got NaN");
	}

	private static List<byte[]> message(String... frames) {
		return Stream.of(frames).map((frame) -> frame.getBytes(StandardCharsets.UTF_8)).toList();
	}

}

package dev.butler.sample;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.stream.Stream;


/**
 * A sensor reading as published on the wire: four UTF-8 text frames, {@code reading}, the sequence
 * number, the ISO-8601 timestamp and the value, so that any ZeroMQ client can read it, e.g.
 * {@code topic, sequence, timestamp, value = socket.recv_multipart()} in Python.
 *
 * @param sequence the sequence number, starting at 1 each time the sensor starts
 * @param timestamp when the reading was taken
 * @param value the measured value
 */
record Reading(long sequence, Instant timestamp, double value) {

	/** The topic frame that starts every reading, to subscribe to. */
	static final String TOPIC = "reading";

	private static final int FRAMES = 4;

	Reading {
		if (!Double.isFinite(value)) {
			throw new IllegalArgumentException("Reading value must be a finite number, got " + value);
		}
	}

	/**
	 * Encode this reading as a message.
	 * @return a new message
	 */
	List<byte[]> toMessage() {
		return Stream.of(TOPIC, Long.toString(this.sequence), this.timestamp.toString(), Double.toString(this.value))
			.map((text) -> text.getBytes(StandardCharsets.UTF_8))
			.toList();
	}

	/**
	 * Decode a reading from a message.
	 * @param message the message, left untouched
	 * @return the reading
	 * @throws IllegalArgumentException if the message is not a well-formed reading
	 */
	static Reading fromMessage(List<byte[]> message) {
		if (message.size() != FRAMES) {
			throw new IllegalArgumentException(
					"Expected a reading of " + FRAMES + " frames [topic, sequence, timestamp, value], got "
							+ message.size() + " frames");
		}
		String[] frames = message.stream().map((frame) -> new String(frame, StandardCharsets.UTF_8)).toArray(String[]::new);
		if (!TOPIC.equals(frames[0])) {
			throw new IllegalArgumentException("Expected topic '" + TOPIC + "', got '" + frames[0] + "'");
		}
		try {
			return new Reading(Long.parseLong(frames[1]), Instant.parse(frames[2]), Double.parseDouble(frames[3]));
		}
		catch (NumberFormatException | DateTimeParseException ex) {
			throw new IllegalArgumentException("Malformed reading [" + String.join(", ", frames) + "]: "
					+ ex.getMessage(), ex);
		}
	}

}

package dev.butler.service;

import java.time.Duration;

/**
 * Durations as people write them in logs: {@code 850ms}, {@code 12s}, {@code 2m 5s},
 * {@code 1h 3m}, {@code 2d 4h}.
 */
public final class Durations {

	private Durations() {
	}

	/**
	 * Describe a duration by its two largest units, rounded down; under a second in milliseconds.
	 * @param duration the duration, negative counts as zero
	 * @return the description
	 */
	public static String human(Duration duration) {
		if (duration.isNegative()) {
			duration = Duration.ZERO;
		}
		if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
			return duration.toMillis() + "ms";
		}
		long days = duration.toDays();
		if (days > 0) {
			return twoUnits(days, "d", duration.toHoursPart(), "h");
		}
		long hours = duration.toHours();
		if (hours > 0) {
			return twoUnits(hours, "h", duration.toMinutesPart(), "m");
		}
		long minutes = duration.toMinutes();
		if (minutes > 0) {
			return twoUnits(minutes, "m", duration.toSecondsPart(), "s");
		}
		return duration.toSeconds() + "s";
	}

	private static String twoUnits(long first, String firstUnit, long second, String secondUnit) {
		return first + firstUnit + ((second > 0) ? " " + second + secondUnit : "");
	}

}

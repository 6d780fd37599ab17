package dev.butler.monitor;

import java.time.Instant;

/**
 * A threshold of {@link AlarmThresholds} that a service, or the JVM, passed.
 *
 * @param service the service id, or {@value ProcessSampler#JVM}
 * @param pid the process id of the service's main process
 * @param kind which threshold
 * @param reason what was seen, e.g. {@code RSS 120 MB above 100 MB}
 * @param at when
 */
public record ProcessAlarm(String service, long pid, Kind kind, String reason, Instant at) {

	/**
	 * Which threshold was passed.
	 */
	public enum Kind {

		/** {@link AlarmThresholds#rssAbove()}. */
		RSS,

		/** {@link AlarmThresholds#cpuAbove()} for {@link AlarmThresholds#cpuFor()}. */
		CPU,

		/** {@link AlarmThresholds#openFilesAbove()}. */
		OPEN_FILES

	}

}

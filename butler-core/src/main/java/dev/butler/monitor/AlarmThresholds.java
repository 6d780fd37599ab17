package dev.butler.monitor;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * When the monitor raises an alarm for a service, or the JVM: each threshold not set is never
 * passed. An alarm is raised when a threshold is passed and again only after it was clear.
 *
 * @param rssAbove resident set size of all the service's processes, in bytes, above which it
 * raises an alarm
 * @param cpuAbove CPU of all the service's processes, in percent of one core, above which, for
 * {@code cpuFor} on end, it raises an alarm
 * @param cpuFor how long the CPU must stay above {@code cpuAbove}
 * @param openFilesAbove fraction of its open-files limit (0 to 1) above which any process of the
 * service raises an alarm
 */
public record AlarmThresholds(@Nullable Long rssAbove, @Nullable Double cpuAbove, Duration cpuFor,
		@Nullable Double openFilesAbove) {

	/** No thresholds: no alarm. */
	public static final AlarmThresholds NONE = new AlarmThresholds(null, null, Duration.ZERO, null);

	public AlarmThresholds {
		if (rssAbove != null && rssAbove <= 0) {
			throw new IllegalArgumentException("rss-above must be positive, was " + rssAbove);
		}
		if (cpuAbove != null && !(cpuAbove > 0)) {
			throw new IllegalArgumentException("cpu-above must be a positive percentage, was " + cpuAbove);
		}
		if (cpuFor.isNegative()) {
			throw new IllegalArgumentException("cpu-for must not be negative, was " + cpuFor);
		}
		if (openFilesAbove != null && !(openFilesAbove > 0 && openFilesAbove <= 1)) {
			throw new IllegalArgumentException(
					"open-files-above must be a fraction of the limit above 0 and at most 1, was " + openFilesAbove);
		}
	}

}

package dev.butler.autoconfigure.monitor;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

import dev.butler.monitor.AlarmThresholds;
import dev.butler.service.ServiceConfigurationException;

/**
 * Configuration properties of the process monitor. A key it does not know fails start-up.
 *
 * @param enabled Whether to sample the JVM and the processes of command services. Off by default:
 * it loads native code (JNA), which Java 24 and later warn of unless the JVM runs with
 * --enable-native-access=ALL-UNNAMED
 * @param interval Time between two samples. If a duration suffix is not specified, milliseconds
 * will be used
 * @param connectionsEvery Count each process's connections every this many samples (1 for every
 * sample); 0 never. Counting scans every connection of the system, about 50 ms on Linux
 * @param publishAddress Address of a ZeroMQ PUB socket that each sample is published on as JSON, e.g.
 * tcp://127.0.0.1:5590; not published if not set
 * @param topic First frame of every message on the PUB socket
 * @param alarms Thresholds that raise an alarm for a service or the JVM, which its on-alarm
 * triggers act on
 */
@ConfigurationProperties(prefix = "butler.monitor", ignoreUnknownFields = false)
public record ButlerMonitorProperties(@DefaultValue("false") boolean enabled,
		@DefaultValue("5s") @DurationUnit(ChronoUnit.MILLIS) Duration interval,
		@DefaultValue("0") int connectionsEvery, @Nullable String publishAddress,
		@DefaultValue("context_info") String topic, @DefaultValue Alarms alarms) {

	public ButlerMonitorProperties {
		if (interval.isNegative() || interval.isZero()) {
			throw new ServiceConfigurationException("butler.monitor.interval", interval, "must be positive");
		}
		if (connectionsEvery < 0) {
			throw new ServiceConfigurationException("butler.monitor.connections-every", connectionsEvery,
					"must be 0 (never) or more");
		}
		if (topic.isEmpty()) {
			throw new ServiceConfigurationException("butler.monitor.topic", topic, "must not be empty");
		}
	}

	/**
	 * Thresholds that raise an alarm for a service, over all its processes, or for the JVM; an
	 * alarm is raised once, and again only after its threshold was clear. Each one not set is
	 * never passed.
	 *
	 * @param rssAbove Resident set size of all the processes of a service above which an alarm is
	 * raised. If a data size suffix is not specified, bytes will be used
	 * @param cpuAbove CPU of all the processes of a service, in percent of one core, above which for
	 * cpu-for an alarm is raised
	 * @param cpuFor How long the CPU must stay above cpu-above. If a duration suffix is not
	 * specified, milliseconds will be used
	 * @param openFilesAbove Fraction (above 0, at most 1) of its limit of open files above which a
	 * process raises an alarm for its service
	 */
	public record Alarms(@DataSizeUnit(DataUnit.BYTES) @Nullable DataSize rssAbove, @Nullable Double cpuAbove,
			@DefaultValue("30s") @DurationUnit(ChronoUnit.MILLIS) Duration cpuFor, @Nullable Double openFilesAbove) {

		public Alarms {
			thresholds(rssAbove, cpuAbove, cpuFor, openFilesAbove);
		}

		/**
		 * Return the thresholds.
		 * @return the thresholds
		 * @throws ServiceConfigurationException naming the property of a bad threshold
		 */
		public AlarmThresholds thresholds() {
			return thresholds(this.rssAbove, this.cpuAbove, this.cpuFor, this.openFilesAbove);
		}

		private static AlarmThresholds thresholds(@Nullable DataSize rssAbove, @Nullable Double cpuAbove,
				Duration cpuFor, @Nullable Double openFilesAbove) {
			String[] keys = { "rss-above", "cpu-above", "cpu-for", "open-files-above" };
			try {
				return new AlarmThresholds((rssAbove != null) ? rssAbove.toBytes() : null, cpuAbove,
						cpuFor, openFilesAbove);
			}
			catch (IllegalArgumentException ex) {
				String message = String.valueOf(ex.getMessage());
				String key = keys[0];
				for (String candidate : keys) {
					if (message.startsWith(candidate + " ")) {
						key = candidate;
					}
				}
				Object value = switch (key) {
					case "rss-above" -> rssAbove;
					case "cpu-above" -> cpuAbove;
					case "cpu-for" -> cpuFor;
					default -> openFilesAbove;
				};
				throw new ServiceConfigurationException("butler.monitor.alarms." + key, value,
						message.substring(message.indexOf(' ') + 1));
			}
		}

	}

}

package dev.butler.monitor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.springframework.util.unit.DataSize;

/**
 * Tells from successive samples which thresholds were passed: an alarm once when a threshold is
 * passed, none while it stays passed, again after it was clear.
 */
final class Alarms {

	private final AlarmThresholds thresholds;

	/** Alarms raised and not yet clear, as service and kind. */
	private final Set<String> raised = new HashSet<>();

	/** Since when each service's CPU has been above the threshold. */
	private final Map<String, Instant> cpuAbove = new HashMap<>();

	Alarms(AlarmThresholds thresholds) {
		this.thresholds = thresholds;
	}

	List<ProcessAlarm> check(MonitorSnapshot snapshot) {
		List<ProcessAlarm> alarms = new ArrayList<>();
		Instant now = snapshot.sampledAt();
		for (ServiceProcesses service : snapshot.services().values()) {
			if (service.processes().isEmpty()) {
				continue;
			}
			Long rssAbove = this.thresholds.rssAbove();
			check(alarms, service, ProcessAlarm.Kind.RSS, rssAbove != null && service.rss() > rssAbove, now,
					() -> "RSS " + megabytes(service.rss()) + " above " + megabytes((rssAbove != null) ? rssAbove : 0));
			Double cpuLimit = this.thresholds.cpuAbove();
			boolean cpuPassed = false;
			if (cpuLimit != null && service.cpuPercent() > cpuLimit) {
				Instant since = this.cpuAbove.computeIfAbsent(service.service(), (id) -> now);
				cpuPassed = !now.isBefore(since.plus(this.thresholds.cpuFor()));
			}
			else {
				this.cpuAbove.remove(service.service());
			}
			check(alarms, service, ProcessAlarm.Kind.CPU, cpuPassed, now,
					() -> String.format("CPU %.1f %% above %.1f %% for %s", service.cpuPercent(), cpuLimit,
							this.thresholds.cpuFor().toString().substring(2).toLowerCase()));
			Double filesAbove = this.thresholds.openFilesAbove();
			ProcessSample fullest = service.processes()
				.stream()
				.max((a, b) -> Double.compare(a.openFilesFraction(), b.openFilesFraction()))
				.orElseThrow();
			check(alarms, service, ProcessAlarm.Kind.OPEN_FILES,
					filesAbove != null && fullest.openFilesFraction() > filesAbove, now,
					() -> "process " + fullest.pid() + " has " + fullest.openFiles() + " open files of its limit of "
							+ fullest.openFilesLimit());
		}
		Set<String> present = snapshot.services().keySet();
		this.cpuAbove.keySet().retainAll(present);
		this.raised.removeIf((key) -> !present.contains(key.substring(key.indexOf('/') + 1)));
		return alarms;
	}

	private void check(List<ProcessAlarm> alarms, ServiceProcesses service, ProcessAlarm.Kind kind, boolean passed,
			Instant now, Supplier<String> reason) {
		String key = kind + "/" + service.service();
		if (!passed) {
			this.raised.remove(key);
		}
		else if (this.raised.add(key)) {
			alarms.add(new ProcessAlarm(service.service(), service.pid(), kind, reason.get(), now));
		}
	}

	private static String megabytes(long bytes) {
		return DataSize.ofBytes(bytes).toMegabytes() + " MB";
	}

}

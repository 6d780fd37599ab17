package dev.butler.cluster;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.butler.cluster.BacklogScaler.ScaleSignal;

/**
 * What this instance knows of its group, as {@code /actuator/butler} shows it under {@code cluster}.
 *
 * @param group the group
 * @param instance this instance's id
 * @param leader whether this instance leads
 * @param ready whether the current leader said it is ready
 * @param consuming whether the group consumes: its consume switch is not off
 * @param members the record each member published (itself only without etcd)
 * @param backlog the backlog of the whole group, as last summed
 * @param lastSignal the last scaling signal given, if any
 * @param signals how many signals of each kind this instance gave as leader
 * @param deadLetters the messages the whole group banished, as last summed
 * @param deadLetterAlarm the reason of the dead-letter alarm raised last, if it still holds
 */
public record ClusterView(String group, String instance, boolean leader, boolean ready, boolean consuming,
		List<Map<String, Object>> members, long backlog, @Nullable ScaleSignal lastSignal,
		Map<ScaleSignal, Long> signals, long deadLetters, @Nullable String deadLetterAlarm) {

	public ClusterView {
		members = List.copyOf(members);
		signals = Map.copyOf(signals);
	}

}

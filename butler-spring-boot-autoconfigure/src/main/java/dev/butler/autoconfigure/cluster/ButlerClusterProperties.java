package dev.butler.autoconfigure.cluster;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

import dev.butler.service.ServiceConfigurationException;

/**
 * Configuration properties of the cluster: instances of the same application on several machines
 * elect one leader through etcd. Without etcd endpoints the instance is its own leader. A key it
 * does not know fails start-up.
 *
 * @param enabled Whether to elect a leader at all; without it leader-only services never start
 * @param group The group of instances that elect one leader; spring.application.name if not set
 * @param instanceId This instance's id in the group; host, pid and a random part if not set
 * @param leaseTtl Time to live of the instance's etcd lease: a leader that cannot renew it for two
 * thirds of it steps down, and another is elected once it expired. If a duration suffix is not
 * specified, seconds will be used
 * @param retryDelay Time before campaigning again after etcd failed. If a duration suffix is not
 * specified, milliseconds will be used
 * @param etcd The etcd cluster
 * @param publishInterval How often each instance publishes what it runs (its services and their
 * backlog) and the leader sums the backlog of the group. If a duration suffix is not specified,
 * milliseconds will be used
 * @param scaling Signals to add or remove instances, given by the leader from the backlog
 * @param deadLetters An alarm raised by the leader when the group banishes messages too fast
 */
@ConfigurationProperties(prefix = "butler.cluster", ignoreUnknownFields = false)
public record ButlerClusterProperties(@DefaultValue("true") boolean enabled, @Nullable String group,
		@Nullable String instanceId, @DefaultValue("15s") @DurationUnit(ChronoUnit.SECONDS) Duration leaseTtl,
		@DefaultValue("1s") @DurationUnit(ChronoUnit.MILLIS) Duration retryDelay, @DefaultValue Etcd etcd,
		@DefaultValue("5s") @DurationUnit(ChronoUnit.MILLIS) Duration publishInterval, @DefaultValue Scaling scaling,
		@DefaultValue DeadLetters deadLetters) {

	public ButlerClusterProperties {
		if (leaseTtl.toSeconds() < 2 || leaseTtl.toMillis() % 1000 != 0) {
			throw new ServiceConfigurationException("butler.cluster.lease-ttl", leaseTtl,
					"must be whole seconds, 2 s or more (etcd counts leases in seconds)");
		}
		if (retryDelay.isNegative() || retryDelay.isZero()) {
			throw new ServiceConfigurationException("butler.cluster.retry-delay", retryDelay, "must be positive");
		}
		if (publishInterval.isNegative() || publishInterval.isZero()) {
			throw new ServiceConfigurationException("butler.cluster.publish-interval", publishInterval,
					"must be positive");
		}
		if (group != null && (group.isEmpty() || group.contains("/"))) {
			throw new ServiceConfigurationException("butler.cluster.group", group, "must be a name without '/'");
		}
	}

	/**
	 * Scaling signals: the backlog of the group (messages waiting in directory queues, tasks queued
	 * in worker pools, summed over every instance) at or above the high-water mark asks for one more
	 * instance; after that, at or below the low-water mark, for one fewer.
	 *
	 * @param highWater Backlog at or above which the leader asks for one more instance; no signals
	 * if not set
	 * @param lowWater Backlog at or below which, after a signal to add, the leader asks for one fewer
	 * @param command Command run on the leader with each signal, with BUTLER_SCALE (up or down),
	 * BUTLER_BACKLOG, BUTLER_MEMBERS and BUTLER_GROUP in its environment, e.g. a script that starts
	 * or stops an instance
	 */
	public record Scaling(@Nullable Long highWater, @Nullable Long lowWater, List<String> command) {

		public Scaling {
			command = (command != null) ? List.copyOf(command) : List.of();
			if ((highWater == null) != (lowWater == null)) {
				throw new ServiceConfigurationException("butler.cluster.scaling.high-water",
						highWater, "and low-water are set together, or neither");
			}
			if (highWater != null && lowWater != null && (lowWater < 0 || lowWater >= highWater)) {
				throw new ServiceConfigurationException("butler.cluster.scaling.low-water", lowWater,
						"must be 0 or more and below high-water (" + highWater + ")");
			}
			if (highWater == null && !command.isEmpty()) {
				throw new ServiceConfigurationException("butler.cluster.scaling.command", String.join(" ", command),
						"needs high-water and low-water, which give the signals it acts on");
			}
		}

	}

	/**
	 * The dead-letter watch: messages banished by the whole group (to the errors/ of directory
	 * queues), summed by the leader each publish interval.
	 *
	 * @param maxGrowth Messages the group may banish within the period before the leader raises an
	 * alarm (a DeadLetterAlarmEvent and a warning); no alarm if not set
	 * @param within The period. If a duration suffix is not specified, milliseconds will be used
	 */
	public record DeadLetters(@Nullable Long maxGrowth,
			@DefaultValue("1m") @DurationUnit(ChronoUnit.MILLIS) Duration within) {

		public DeadLetters {
			if (maxGrowth != null && maxGrowth < 0) {
				throw new ServiceConfigurationException("butler.cluster.dead-letters.max-growth", maxGrowth,
						"must be 0 or more");
			}
			if (within.isNegative() || within.isZero()) {
				throw new ServiceConfigurationException("butler.cluster.dead-letters.within", within, "must be positive");
			}
		}

	}

	/**
	 * The etcd cluster.
	 *
	 * @param endpoints Client URLs of every member of the etcd cluster, e.g.
	 * http://10.0.0.1:2379; the instance is its own leader if none is set
	 * @param prefix Prefix of every key the cluster writes
	 */
	public record Etcd(List<String> endpoints, @DefaultValue("/butler") String prefix) {

		public Etcd {
			endpoints = (endpoints != null) ? List.copyOf(endpoints) : List.of();
			if (!prefix.startsWith("/") || prefix.endsWith("/")) {
				throw new ServiceConfigurationException("butler.cluster.etcd.prefix", prefix,
						"must start with '/' and not end with one, e.g. /butler");
			}
		}

	}

}

package dev.butler.actuate.metrics;

import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.butler.cluster.BacklogScaler.ScaleSignal;
import dev.butler.cluster.ClusterView;

/**
 * {@link MeterBinder} for the cluster, tagged with the group: {@code butler.cluster.leader} (1 on
 * the leader), {@code butler.cluster.ready}, {@code butler.cluster.members},
 * {@code butler.cluster.backlog} and {@code butler.cluster.dead-letters} (the group's, as last
 * summed) and
 * {@code butler.cluster.scale.signals} (tagged {@code signal}: up or down, counted on the leader
 * that gave them).
 */
public class ClusterMetrics implements MeterBinder {

	private final Supplier<ClusterView> cluster;

	/**
	 * Create a binder.
	 * @param cluster what this instance knows of its group, asked at each reading
	 */
	public ClusterMetrics(Supplier<ClusterView> cluster) {
		this.cluster = cluster;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of("group", this.cluster.get().group());
		gauge(registry, "butler.cluster.leader", tags, (view) -> view.leader() ? 1 : 0,
				"1 if this instance leads its group, else 0");
		gauge(registry, "butler.cluster.ready", tags, (view) -> view.ready() ? 1 : 0,
				"1 once the current leader said its set-up is done, else 0");
		gauge(registry, "butler.cluster.members", tags, (view) -> view.members().size(),
				"Instances of the group, as last read");
		gauge(registry, "butler.cluster.backlog", tags, ClusterView::backlog,
				"Messages and tasks waiting in the whole group, as last summed");
		gauge(registry, "butler.cluster.dead-letters", tags, ClusterView::deadLetters,
				"Messages the whole group banished, as last summed");
		for (ScaleSignal signal : ScaleSignal.values()) {
			FunctionCounter.builder("butler.cluster.scale.signals", this.cluster,
					(supplier) -> supplier.get().signals().getOrDefault(signal, 0L))
				.tags(tags.and("signal", signal.name().toLowerCase()))
				.description("Scaling signals this instance gave as leader")
				.register(registry);
		}
	}

	private void gauge(MeterRegistry registry, String name, Tags tags, ToDoubleFunction<ClusterView> value,
			String description) {
		Gauge.builder(name, this.cluster, (supplier) -> value.applyAsDouble(supplier.get()))
			.tags(tags)
			.description(description)
			.register(registry);
	}

}

package dev.butler.actuate.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.ApplicationListener;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ButlerServiceReadyEvent;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.service.ResourceSnapshot;

/**
 * {@link MeterBinder} for Butler components: {@code butler.service.state} and
 * {@code butler.service.outcome} (one series per state or outcome, 1 for the current one),
 * {@code butler.messages.received},
 * {@code butler.messages.sent} and {@code butler.service.errors}, tagged with the component id and
 * kind. Scheduled actions are timed as {@code butler.action} through the Observation API.
 * <p>
 * Each resource of a service ({@link ButlerComponent#resources()}) gets the meters its snapshot
 * asks for: {@code butler.<kind>.<name>}, tagged with the service id, {@code <kind>} = the
 * resource's name and the count's own tags. Counters are summed over all runs of the service
 * ({@link ButlerComponent#resourceCounts()}). Data pipes are counted as {@code butler.pipe.messages},
 * {@code butler.pipe.bytes}, {@code butler.pipe.batches}, {@code butler.pipe.refused},
 * {@code butler.pipe.dropped} and {@code butler.pipe.stalls} with their {@code role}; directory
 * queues as {@code butler.queue.messages} by {@code outcome} (enqueued, claimed, skipped,
 * processed, committed, handed-on, banished, released, recovered) and {@code butler.queue.failures},
 * with the gauge {@code butler.queue.backlog} for the messages waiting; worker pools as
 * {@code butler.pool.completed}, {@code butler.pool.errors}, {@code butler.pool.rejected} and
 * {@code butler.pool.dropped}, with the gauges {@code butler.pool.active} and
 * {@code butler.pool.queued}. A service creates its
 * resources when it starts, so their meters are bound on each {@link ButlerServiceReadyEvent}, and
 * when the binder is bound.
 */
public class ButlerMetrics implements MeterBinder, ApplicationListener<ButlerServiceReadyEvent> {

	private final ButlerComponents components;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	/**
	 * Create a binder for the given components.
	 * @param components the components
	 */
	public ButlerMetrics(ButlerComponents components) {
		this.components = components;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		for (ButlerComponent component : this.components) {
			bindComponent(registry, component);
		}
	}

	@Override
	public void onApplicationEvent(ButlerServiceReadyEvent event) {
		for (MeterRegistry registry : this.registries) {
			if (registry.find("butler.service.errors").tag("service", event.getService().id()).meter() == null) {
				// a service added at run time
				bindComponent(registry, event.getService());
			}
			else {
				bindResources(registry, event.getService());
			}
		}
	}

	private void bindComponent(MeterRegistry registry, ButlerComponent component) {
		Tags tags = Tags.of("service", component.id(), "kind", component.kind().name().toLowerCase());
		for (State state : State.values()) {
			Gauge.builder("butler.service.state", component, (c) -> (c.state() == state) ? 1 : 0)
				.tags(tags.and("state", state.name()))
				.description("Whether the component is in the state of the tag: 1 for its current state, 0 for "
						+ "the others")
				.register(registry);
		}
		for (Outcome outcome : Outcome.values()) {
			Gauge.builder("butler.service.outcome", component, (c) -> (c.outcome() == outcome) ? 1 : 0)
				.tags(tags.and("outcome", outcome.name()))
				.description("Whether the component's last run ended with the outcome of the tag; UNKNOWN "
						+ "while it runs")
				.register(registry);
		}
		FunctionCounter.builder("butler.messages.received", component, (c) -> c.statistics().messagesReceived())
			.tags(tags)
			.description("Messages received on the component's channels")
			.register(registry);
		FunctionCounter.builder("butler.messages.sent", component, (c) -> c.statistics().messagesSent())
			.tags(tags)
			.description("Messages sent on the component's channels")
			.register(registry);
		FunctionCounter.builder("butler.service.errors", component, (c) -> c.statistics().errors())
			.tags(tags)
			.description("Failed warm-ups, runs that ended with outcome ERROR and malformed control messages")
			.register(registry);
		bindResources(registry, component);
	}

	/**
	 * Bind the meters of the component's current resources, unless an earlier run bound them.
	 */
	private void bindResources(MeterRegistry registry, ButlerComponent component) {
		for (ResourceSnapshot resource : component.resources()) {
			Tags tags = Tags.of("service", component.id(), resource.kind(), resource.name());
			String prefix = "butler." + resource.kind() + ".";
			for (ResourceSnapshot.Count count : resource.counters()) {
				Tags meterTags = tags.and(Tags.of(count.tags().entrySet()
					.stream()
					.map((tag) -> Tag.of(tag.getKey(), tag.getValue()))
					.toList()));
				if (registry.find(prefix + count.name()).tags(meterTags).meter() != null) {
					continue;
				}
				FunctionCounter
					.builder(prefix + count.name(), component,
							(c) -> total(c, resource.kind(), resource.name(), count))
					.tags(meterTags)
					.baseUnit(count.baseUnit())
					.description(count.description())
					.register(registry);
			}
			for (ResourceSnapshot.Level level : resource.gauges()) {
				if (registry.find(prefix + level.name()).tags(tags).meter() != null) {
					continue;
				}
				Gauge.builder(prefix + level.name(), component, (c) -> level(c, resource.kind(), resource.name(), level))
					.tags(tags)
					.description(level.description())
					.register(registry);
			}
		}
	}

	private static double total(ButlerComponent component, String kind, String name, ResourceSnapshot.Count count) {
		return component.resourceCounts()
			.stream()
			.filter((total) -> total.kind().equals(kind) && total.resource().equals(name)
					&& total.count().name().equals(count.name()) && total.count().tags().equals(count.tags()))
			.mapToDouble((total) -> total.count().value())
			.findFirst()
			.orElse(0);
	}

	private static double level(ButlerComponent component, String kind, String name, ResourceSnapshot.Level level) {
		return component.resources()
			.stream()
			.filter((resource) -> resource.kind().equals(kind) && resource.name().equals(name))
			.flatMap((resource) -> resource.gauges().stream())
			.filter((candidate) -> candidate.name().equals(level.name()))
			.mapToDouble(ResourceSnapshot.Level::value)
			.findFirst()
			.orElse(Double.NaN);
	}

}

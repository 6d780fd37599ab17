package dev.butler.actuate.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.ApplicationListener;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.control.ButlerServiceReadyEvent;
import dev.butler.pipe.PipeCounts;
import dev.butler.pipe.PipeSnapshot;
import dev.butler.queue.QueueCounts;
import dev.butler.queue.QueueSnapshot;

/**
 * {@link MeterBinder} for Butler components: {@code butler.service.state} and
 * {@code butler.service.outcome} (one series per state or outcome, 1 for the current one),
 * {@code butler.messages.received},
 * {@code butler.messages.sent} and {@code butler.service.errors}, tagged with the component id and
 * kind. Scheduled actions are timed as {@code butler.action} through the Observation API.
 * <p>
 * Data pipes are counted as {@code butler.pipe.messages}, {@code butler.pipe.bytes},
 * {@code butler.pipe.batches}, {@code butler.pipe.refused}, {@code butler.pipe.dropped} and
 * {@code butler.pipe.stalls}, tagged with the service id, the pipe's
 * channel name and its role, over all runs of the service (see {@link ButlerComponent#pipeTotals()}).
 * A service creates its pipes when it starts, so their meters are bound on each
 * {@link ButlerServiceReadyEvent}, and when the binder is bound.
 * <p>
 * Directory queues are counted as {@code butler.queue.messages} by {@code outcome} (enqueued,
 * claimed, skipped, processed, committed, handed-on, banished, released, recovered) and
 * {@code butler.queue.failures}, with {@code butler.queue.backlog} for the messages waiting, tagged
 * with the service id and the queue name.
 */
public class ButlerMetrics implements MeterBinder, ApplicationListener<ButlerServiceReadyEvent> {

	private static final QueueCounts QUEUE_NONE = new QueueCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

	private static final Map<String, ToLongFunction<QueueCounts>> QUEUE_OUTCOMES = Map.of("enqueued",
			QueueCounts::enqueued, "claimed", QueueCounts::claimed, "skipped", QueueCounts::skipped, "processed",
			QueueCounts::processed, "committed", QueueCounts::committed, "handed-on", QueueCounts::handedOn,
			"banished", QueueCounts::banished, "released", QueueCounts::released, "recovered",
			QueueCounts::recovered);

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
			bindPipes(registry, component);
			bindQueues(registry, component);
		}
	}

	@Override
	public void onApplicationEvent(ButlerServiceReadyEvent event) {
		for (MeterRegistry registry : this.registries) {
			bindPipes(registry, event.getService());
			bindQueues(registry, event.getService());
		}
	}

	/**
	 * Bind the meters of the component's current pipes, unless an earlier run bound them already.
	 */
	private void bindPipes(MeterRegistry registry, ButlerComponent component) {
		for (PipeSnapshot pipe : component.pipes()) {
			Tags tags = Tags.of("service", component.id(), "pipe", pipe.name(), "role",
					pipe.role().name().toLowerCase(Locale.ROOT));
			if (registry.find("butler.pipe.messages").tags(tags).functionCounter() != null) {
				continue;
			}
			pipeCounter("butler.pipe.messages", component, pipe.name(), PipeCounts::dataMessages)
				.tags(tags)
				.description("DATA messages the pipe sent or received, over all runs of the service")
				.register(registry);
			pipeCounter("butler.pipe.bytes", component, pipe.name(), PipeCounts::bytes)
				.tags(tags)
				.baseUnit(BaseUnits.BYTES)
				.description("Payload bytes the pipe sent or received, over all runs of the service")
				.register(registry);
			pipeCounter("butler.pipe.batches", component, pipe.name(), PipeCounts::batches)
				.tags(tags)
				.description("Batches the pipe agreed with its peer, over all runs of the service")
				.register(registry);
			pipeCounter("butler.pipe.refused", component, pipe.name(), PipeCounts::refused)
				.tags(tags)
				.description("Messages the pipe refused with CLOSE, over all runs of the service")
				.register(registry);
			pipeCounter("butler.pipe.dropped", component, pipe.name(), PipeCounts::dropped)
				.tags(tags)
				.description("Messages the pipe could not deliver: the peer was gone, never answered, or took "
						+ "nothing within close_timeout, over all runs of the service")
				.register(registry);
			pipeCounter("butler.pipe.stalls", component, pipe.name(), PipeCounts::stalls)
				.tags(tags)
				.description("Sessions the pipe ended because the peer took no message for peer_timeout, over all "
						+ "runs of the service")
				.register(registry);
		}
	}

	/**
	 * Bind the meters of the component's current directory queues, unless an earlier run bound them.
	 */
	private void bindQueues(MeterRegistry registry, ButlerComponent component) {
		for (String queue : component.queueCounts().keySet()) {
			Tags tags = Tags.of("service", component.id(), "queue", queue);
			if (registry.find("butler.queue.failures").tags(tags).functionCounter() != null) {
				continue;
			}
			QUEUE_OUTCOMES.forEach((outcome, count) -> FunctionCounter
				.builder("butler.queue.messages", component,
						(c) -> count.applyAsLong(c.queueCounts().getOrDefault(queue, QUEUE_NONE)))
				.tags(tags.and("outcome", outcome))
				.description("Messages of the directory queue by what happened to them, over all runs of the service")
				.register(registry));
			FunctionCounter
				.builder("butler.queue.failures", component,
						(c) -> c.queueCounts().getOrDefault(queue, QUEUE_NONE).failures())
				.tags(tags)
				.description("Failed operations on the directory queue, e.g. for a full disk")
				.register(registry);
			Gauge.builder("butler.queue.backlog", component, (c) -> backlog(c, queue))
				.tags(tags)
				.description("Messages waiting in the queue's incoming directory")
				.register(registry);
		}
	}

	private static double backlog(ButlerComponent component, String queue) {
		return component.queues()
			.stream()
			.filter((snapshot) -> snapshot.name().equals(queue) && snapshot.backlog() >= 0)
			.mapToDouble(QueueSnapshot::backlog)
			.findFirst()
			.orElse(Double.NaN);
	}

	private static FunctionCounter.Builder<ButlerComponent> pipeCounter(String name, ButlerComponent component,
			String pipe, ToLongFunction<PipeCounts> count) {
		return FunctionCounter.builder(name, component,
				(c) -> count.applyAsLong(c.pipeTotals().getOrDefault(pipe, PipeCounts.NONE)));
	}

}

package dev.butler.actuate.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;

/**
 * {@link MeterBinder} for Butler components: {@code butler.service.state} (the
 * {@code firebird.butler.StateEnum} code), {@code butler.messages.received},
 * {@code butler.messages.sent} and {@code butler.service.errors}, tagged with the component id and
 * kind. Scheduled actions are timed as {@code butler.action} through the Observation API.
 */
public class ButlerMetrics implements MeterBinder {

	private final ButlerComponents components;

	/**
	 * Create a binder for the given components.
	 * @param components the components
	 */
	public ButlerMetrics(ButlerComponents components) {
		this.components = components;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (ButlerComponent component : this.components) {
			Tags tags = Tags.of("service", component.id(), "kind", component.kind().name().toLowerCase());
			Gauge.builder("butler.service.state", component, (c) -> c.state().code())
				.tags(tags)
				.description("State of the component as a firebird.butler.StateEnum code: 1 READY, 2 RUNNING, "
						+ "4 STOPPED, 5 FINISHED, 6 ABORTED")
				.register(registry);
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
				.description("Failed warm-ups, aborted runs and malformed control messages")
				.register(registry);
		}
	}

}

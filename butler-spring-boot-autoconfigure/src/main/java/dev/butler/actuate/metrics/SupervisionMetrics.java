package dev.butler.actuate.metrics;

import java.util.Map;
import java.util.function.Function;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.RunEnding;
import dev.butler.supervision.SupervisionStatus;
import dev.butler.supervision.Supervisor;

/**
 * {@link MeterBinder} for the supervision of Butler services: {@code butler.supervision.restarts}
 * and {@code butler.supervision.give-ups}, tagged with the service id and how the run before ended
 * ({@code ending}: normal, error or crash).
 */
public class SupervisionMetrics implements MeterBinder {

	private final ButlerComponents components;

	private final Supervisor supervisor;

	/**
	 * Create a binder.
	 * @param components the components, of which the local services are supervised
	 * @param supervisor the supervisor
	 */
	public SupervisionMetrics(ButlerComponents components, Supervisor supervisor) {
		this.components = components;
		this.supervisor = supervisor;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (ButlerComponent component : this.components) {
			if (component.kind() != ButlerComponent.Kind.SERVICE) {
				continue;
			}
			for (RunEnding ending : RunEnding.values()) {
				if (ending == RunEnding.STOPPED) {
					continue;
				}
				Tags tags = Tags.of("service", component.id(), "ending", ending.name().toLowerCase());
				counter(registry, "butler.supervision.restarts", component.id(), tags, ending,
						SupervisionStatus::restarts, "Restarts made or scheduled by the supervisor after a run that ended so");
				counter(registry, "butler.supervision.give-ups", component.id(), tags, ending,
						SupervisionStatus::giveUps, "Times the supervisor gave up on the service after a run that ended so");
			}
		}
	}

	private void counter(MeterRegistry registry, String name, String id, Tags tags, RunEnding ending,
			Function<SupervisionStatus, Map<RunEnding, Long>> counts, String description) {
		FunctionCounter.builder(name, this.supervisor, (supervisor) -> {
			SupervisionStatus status = supervisor.status(id);
			return (status != null) ? counts.apply(status).getOrDefault(ending, 0L) : 0;
		}).tags(tags).description(description).register(registry);
	}

}

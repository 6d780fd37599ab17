package dev.butler.actuate.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;

/**
 * Health of the Butler components: DOWN while a component that is not optional is ABORTED, that is
 * it failed to start or failed while it ran. A component that FINISHED, on its own (a batch stage
 * at the end of its input) or when told to stop, is done and counts as up whatever its outcome; it
 * shows with {@code "done": true} and, for outcome ERROR, its details.
 */
public class ButlerHealthIndicator extends AbstractHealthIndicator {

	private final ButlerComponents components;

	/**
	 * Create a new health indicator.
	 * @param components the components to check
	 */
	public ButlerHealthIndicator(ButlerComponents components) {
		super("Butler health check failed");
		this.components = components;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean up = true;
		for (ButlerComponent component : this.components) {
			State state = component.state();
			boolean failed = state == State.ABORTED;
			boolean done = state == State.FINISHED;
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("state", state);
			detail.put("outcome", component.outcome());
			detail.put("optional", component.isOptional());
			if (done) {
				detail.put("done", true);
			}
			if ((failed || component.outcome() == Outcome.ERROR) && !component.details().isEmpty()) {
				detail.put("details", component.details());
			}
			builder.withDetail(component.id(), detail);
			up &= !failed || component.isOptional();
		}
		if (up) {
			builder.up();
		}
		else {
			builder.down();
		}
	}

}

package dev.butler.actuate.health;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.butler.base.Outcome;
import dev.butler.base.State;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;

/**
 * Health of the Butler components: DOWN when a component that is not optional has aborted or ended
 * with an error.
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
			boolean failed = component.state() == State.ABORTED || component.outcome() == Outcome.ERROR;
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("state", component.state());
			detail.put("outcome", component.outcome());
			detail.put("optional", component.isOptional());
			if (failed && !component.details().isEmpty()) {
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

package dev.butler.actuate.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.Outcome;
import dev.butler.protocol.State;
import dev.butler.supervision.SupervisionStatus;
import dev.butler.supervision.SupervisionStatus.Phase;

/**
 * Health of the Butler components: DOWN while a component that is not optional is ABORTED, that is
 * it failed to start or failed while it ran, unless its supervisor is about to restart it, and DOWN
 * once its supervisor gave up on it. A component that FINISHED, on its own (a batch stage at the
 * end of its input) or when told to stop, is done and counts as up whatever its outcome; it shows
 * with {@code "done": true} and, for outcome ERROR, its details. A supervised component shows its
 * supervision phase, and while restarting the attempt and when it is due.
 */
public class ButlerHealthIndicator extends AbstractHealthIndicator {

	private final ButlerComponents components;

	private final Function<String, SupervisionStatus> supervision;

	/**
	 * Create a new health indicator of unsupervised components.
	 * @param components the components to check
	 */
	public ButlerHealthIndicator(ButlerComponents components) {
		this(components, (id) -> null);
	}

	/**
	 * Create a new health indicator.
	 * @param components the components to check
	 * @param supervision the supervision status of a component by id, {@code null} if unsupervised
	 */
	public ButlerHealthIndicator(ButlerComponents components, Function<String, SupervisionStatus> supervision) {
		super("Butler health check failed");
		this.components = components;
		this.supervision = supervision;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean up = true;
		for (ButlerComponent component : this.components) {
			State state = component.state();
			SupervisionStatus supervised = this.supervision.apply(component.id());
			Phase phase = (supervised != null) ? supervised.phase() : null;
			boolean failed = (state == State.ABORTED && phase != Phase.RESTARTING) || phase == Phase.GAVE_UP;
			boolean done = state == State.FINISHED && phase != Phase.RESTARTING && phase != Phase.GAVE_UP;
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("state", state);
			detail.put("outcome", component.outcome());
			detail.put("optional", component.isOptional());
			if (done) {
				detail.put("done", true);
			}
			if (supervised != null) {
				detail.put("supervision", phase);
				if (phase == Phase.RESTARTING) {
					detail.put("restartAttempt", supervised.attempt());
					detail.put("restartAt", supervised.nextAttempt());
				}
				else if (phase == Phase.GAVE_UP) {
					detail.put("gaveUpBecause", supervised.gaveUpBecause());
				}
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

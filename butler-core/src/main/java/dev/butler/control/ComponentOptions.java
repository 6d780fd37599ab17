package dev.butler.control;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How the application runs and controls one component.
 *
 * @param optional whether the application can do without the component
 * @param autoStartup whether the component starts with the application
 * @param warmUpTimeout how long to wait for READY
 * @param stopTimeout how long to wait for FINISHED after STOP
 * @param controlAddress for a local service, the address of an external ICCP controller to connect
 * to instead of the in-process one, {@code null} for the in-process one; for a foreign component, the
 * address to bind and wait on
 */
public record ComponentOptions(boolean optional, boolean autoStartup, Duration warmUpTimeout, Duration stopTimeout,
		@Nullable String controlAddress) {

	/** Options of a component with no configuration of its own. */
	public static final ComponentOptions DEFAULTS = new ComponentOptions(false, true, Duration.ofSeconds(10),
			Duration.ofSeconds(10), null);

}

package dev.butler.supervision;

import java.util.Map;

/**
 * A state trigger: when {@code event} happens to service {@code source}, do {@code action} to
 * {@code target}, a service, foreign component or group. Declared under
 * {@code butler.services.<id>.on-start}, {@code on-update}, {@code on-fail}, {@code on-exit} and {@code on-alarm}, or
 * as beans of this type. A trigger fires while the application runs, at most as often as the
 * supervision's restart intensity allows; past it the trigger is suspended, so that triggers that
 * answer each other (A restarts B, B's start restarts A) cannot loop forever.
 *
 * @param source the service whose event fires the trigger
 * @param event the event
 * @param action what to do
 * @param target the id of a service or foreign component, or the name of a group
 * @param options the options of a {@link TriggerAction#CONFIGURE} action, by option name; empty
 * for the other actions
 */
public record Trigger(String source, TriggerEvent event, TriggerAction action, String target,
		Map<String, Object> options) {

	public Trigger {
		options = Map.copyOf(options);
		if (action == TriggerAction.CONFIGURE && options.isEmpty()) {
			throw new IllegalArgumentException("A configure trigger needs options");
		}
		if (action != TriggerAction.CONFIGURE && !options.isEmpty()) {
			throw new IllegalArgumentException(
					"Only a configure trigger takes options; this one would " + action.name().toLowerCase());
		}
	}

	/**
	 * Create a trigger that starts, stops or restarts its target.
	 * @param source the service whose event fires the trigger
	 * @param event the event
	 * @param action what to do
	 * @param target the service, component or group to do it to
	 * @return the trigger
	 */
	public static Trigger of(String source, TriggerEvent event, TriggerAction action, String target) {
		return new Trigger(source, event, action, target, Map.of());
	}

	/**
	 * Create a trigger that configures its target.
	 * @param source the service whose event fires the trigger
	 * @param event the event
	 * @param target the service or component to configure
	 * @param options the options to send
	 * @return the trigger
	 */
	public static Trigger configure(String source, TriggerEvent event, String target, Map<String, Object> options) {
		return new Trigger(source, event, TriggerAction.CONFIGURE, target, options);
	}

	@Override
	public String toString() {
		return "on-" + this.event.name().toLowerCase() + " of '" + this.source + "': " + this.action.name().toLowerCase()
				+ " '" + this.target + "'" + (this.options.isEmpty() ? "" : " with " + this.options);
	}

}

package dev.butler.supervision;

/**
 * What a {@link Trigger} does to its target, a service, foreign component or group.
 */
public enum TriggerAction {

	/** Start the target, unless it runs; a group starts its services in order. */
	START,

	/** Stop the target; a group stops its services in reverse order. */
	STOP,

	/** Stop the target, then start it. */
	RESTART,

	/** Send the target a run-time configuration (ICCP REQUEST/CONF) with the trigger's options. */
	CONFIGURE

}

package dev.butler.supervision;

/**
 * What happened to a service that a {@link Trigger} acts on, as zmicroservices' state triggers.
 */
public enum TriggerEvent {

	/** The service reported READY: started by the application, an operator, a supervisor or a trigger. */
	START,

	/** The service accepted a run-time configuration (ICCP REQUEST/CONF, the endpoint's configure). */
	UPDATE,

	/** A run ended abnormally (outcome ERROR, or a crash), or a start failed. */
	FAIL,

	/** A run ended, whatever its outcome, stopped on request included. */
	EXIT,

	/** The process monitor raised an alarm for the service: it passed a threshold of RSS, CPU or open files. */
	ALARM

}

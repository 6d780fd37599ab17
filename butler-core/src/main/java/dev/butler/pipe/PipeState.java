package dev.butler.pipe;

/**
 * State of a data pipe endpoint.
 */
public enum PipeState {

	/** Created, not attached yet. */
	CREATED,

	/** Bound, waiting for a client's OPEN. */
	WAITING,

	/** Session open, no batch agreed. */
	OPEN,

	/** A batch of DATA is flowing. */
	TRANSMITTING,

	/** Closed by either side; see the close code. */
	CLOSED

}

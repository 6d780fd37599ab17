package dev.butler.control;

import dev.butler.protocol.iccp.IccpMessage;
import dev.butler.protocol.iccp.IccpProtocolException;

/**
 * Told of ICCP messages a component sends on its own, outside a request. Called on the controller
 * thread: implementations must not block.
 */
interface ControlListener {

	/**
	 * The component reported an error outside a request: it aborted.
	 * @param error the error message
	 */
	default void aborted(IccpMessage.Error error) {
	}

	/**
	 * The component finished on its own.
	 * @param finished the FINISHED message
	 */
	default void finished(IccpMessage.Finished finished) {
	}

	/**
	 * The component sent a message that is not valid ICCP, or not valid at this point.
	 * @param problem what was wrong
	 */
	default void malformed(IccpProtocolException problem) {
	}

}

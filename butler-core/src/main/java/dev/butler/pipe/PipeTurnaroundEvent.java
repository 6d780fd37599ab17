package dev.butler.pipe;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JDK Flight Recorder event for how long one end of a data pipe takes to answer what calls for an
 * answer: from the message taken off the socket to the answer handed to it. A consumer answers the
 * last DATA of a batch, or its server's offer, with READY; a producer answers the READY that grants
 * or offers a batch with the batch's first DATA. Off unless a recording enables
 * {@code dev.butler.pipe.Turnaround}; then one event per batch and side.
 */
@Name("dev.butler.pipe.Turnaround")
@Label("Data Pipe Turnaround")
@Category({ "Butler", "Data Pipe" })
@Description("From a message taken off a data pipe's socket to the answer it calls for handed to the socket")
@StackTrace(false)
@Enabled(false)
final class PipeTurnaroundEvent extends Event {

	@Label("Service")
	String service = "";

	@Label("Pipe")
	String pipe = "";

	@Label("Answer")
	@Description("READY (a consumer) or DATA (a producer)")
	String answer = "";

	/**
	 * Return whether a recording takes these events: without one, nothing is timed.
	 * @return whether the event is enabled
	 */
	static boolean enabled() {
		return new PipeTurnaroundEvent().isEnabled();
	}

}

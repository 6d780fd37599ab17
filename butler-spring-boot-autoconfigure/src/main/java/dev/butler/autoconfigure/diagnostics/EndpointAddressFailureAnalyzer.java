package dev.butler.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.butler.runtime.EndpointAddressException;

/**
 * Explains a start-up failure caused by an address a Butler socket cannot bind or connect to: in use,
 * not of this host, or not a valid ZeroMQ address.
 */
class EndpointAddressFailureAnalyzer extends AbstractFailureAnalyzer<EndpointAddressException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, EndpointAddressException cause) {
		String change = (cause.getProperty() != null) ? "set property '" + cause.getProperty() + "' to"
				: "change the code that gives it to";
		String action = cause.isInUse()
				? "Stop the process that listens on " + cause.getAddress() + ", or " + change + " a free address."
				: capitalize(change) + " a valid address: tcp://<host>:<port> (e.g. tcp://127.0.0.1:5700), "
						+ "or inproc://<name> if both ends run in this application.";
		return new FailureAnalysis(cause.getMessage(), action, cause);
	}

	private static String capitalize(String text) {
		return Character.toUpperCase(text.charAt(0)) + text.substring(1);
	}

}

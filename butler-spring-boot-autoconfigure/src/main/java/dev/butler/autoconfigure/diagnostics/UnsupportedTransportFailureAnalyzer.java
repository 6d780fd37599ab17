package dev.butler.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.butler.runtime.UnsupportedTransportException;

/**
 * Explains a start-up failure caused by an {@code ipc://} address, which the JeroMQ engine cannot
 * offer to libzmq peers.
 */
class UnsupportedTransportFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedTransportException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedTransportException cause) {
		String where = (cause.getProperty() != null) ? "property '" + cause.getProperty() + "'" : "the address";
		return new FailureAnalysis("A Butler address uses a transport the ZeroMQ engine does not support:\n\n    "
				+ cause.getMessage(),
				"Change " + where + " to a tcp:// address (e.g. tcp://127.0.0.1:5700), or to an inproc:// one if both "
						+ "ends run in this application. If every peer is a JeroMQ application, you may instead set "
						+ "'butler.zmq.ipc=emulate': JeroMQ then serves ipc:// addresses as TCP ports on 127.0.0.1.",
				cause);
	}

}

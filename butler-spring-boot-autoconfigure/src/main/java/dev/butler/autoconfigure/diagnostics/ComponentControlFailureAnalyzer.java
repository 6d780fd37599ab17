package dev.butler.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.butler.control.ComponentControlException;

/**
 * Explains a start-up failure caused by a Butler component that did not become READY.
 */
class ComponentControlFailureAnalyzer extends AbstractFailureAnalyzer<ComponentControlException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ComponentControlException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix the cause above, or mark the component optional with "
						+ "'butler.services.<id>.optional=true' (or 'butler.components.<id>.optional=true') "
						+ "if the application can run without it.",
				cause);
	}

}

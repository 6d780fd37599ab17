package dev.butler.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.butler.service.ServiceConfigurationException;

/**
 * Explains a start-up failure caused by a bad Butler service option.
 */
class ServiceConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ServiceConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ServiceConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Update property '" + cause.getProperty() + "' in your application's configuration.", cause);
	}

}

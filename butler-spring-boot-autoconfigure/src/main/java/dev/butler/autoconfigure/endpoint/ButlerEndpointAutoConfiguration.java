package dev.butler.autoconfigure.endpoint;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.butler.actuate.endpoint.ButlerEndpoint;
import dev.butler.actuate.endpoint.ButlerEndpointWebExtension;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.autoconfigure.cluster.ButlerCluster;
import dev.butler.context.ContextControl;
import dev.butler.control.ButlerComponents;
import dev.butler.monitor.ProcessMonitor;
import dev.butler.supervision.Supervisor;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * {@link ButlerEndpoint}. Configuration values show as in Boot's {@code env} endpoint:
 * {@code management.endpoint.butler.show-values} (default {@code never}) and {@code roles}, with
 * the application's {@link SanitizingFunction} beans applied.
 */
@AutoConfiguration(after = ButlerAutoConfiguration.class,
		afterName = { "dev.butler.autoconfigure.monitor.ButlerMonitorAutoConfiguration",
				"dev.butler.autoconfigure.context.ButlerContextAutoConfiguration",
				"dev.butler.autoconfigure.cluster.ButlerClusterAutoConfiguration" })
@ConditionalOnClass(ConditionalOnAvailableEndpoint.class)
@ConditionalOnAvailableEndpoint(ButlerEndpoint.class)
@ConditionalOnButlerRuntime
@EnableConfigurationProperties(ButlerEndpointProperties.class)
public final class ButlerEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ButlerEndpoint butlerEndpoint(ButlerComponents components, ObjectProvider<Clock> clock,
			ButlerEndpointProperties properties, ObjectProvider<SanitizingFunction> sanitizingFunctions,
			ObjectProvider<Supervisor> supervisor, ObjectProvider<ProcessMonitor> monitor,
			ObjectProvider<ContextControl> contexts, ObjectProvider<ButlerCluster> cluster) {
		ButlerCluster group = cluster.getIfAvailable();
		return new ButlerEndpoint(components, clock.getIfUnique(Clock::systemUTC),
				sanitizingFunctions.orderedStream().toList(), properties.showValues(), supervisor.getIfAvailable(),
				monitor.getIfAvailable(), contexts.getIfAvailable(), (group != null) ? group::view : null);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ButlerEndpoint.class)
	ButlerEndpointWebExtension butlerEndpointWebExtension(ButlerEndpoint endpoint,
			ButlerEndpointProperties properties) {
		return new ButlerEndpointWebExtension(endpoint, properties.showValues(), properties.roles());
	}

}

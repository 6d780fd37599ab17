package dev.butler.autoconfigure.health;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.butler.actuate.health.ButlerHealthIndicator;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.control.ButlerComponents;
import dev.butler.supervision.Supervisor;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * {@link ButlerHealthIndicator}, which joins the readiness group unless that group is configured
 * explicitly.
 */
@AutoConfiguration(after = ButlerAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnButlerRuntime
@ConditionalOnEnabledHealthIndicator("butler")
public final class ButlerHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "butlerHealthIndicator")
	ButlerHealthIndicator butlerHealthIndicator(ButlerComponents components, ObjectProvider<Supervisor> supervisor) {
		Supervisor current = supervisor.getIfAvailable();
		return new ButlerHealthIndicator(components, (current != null) ? current::status : (id) -> null);
	}

}

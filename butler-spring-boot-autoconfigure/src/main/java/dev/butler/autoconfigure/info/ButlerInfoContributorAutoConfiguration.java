package dev.butler.autoconfigure.info;

import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.autoconfigure.info.InfoContributorFallback;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.butler.actuate.info.ButlerInfoContributor;
import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.runtime.ServiceRuntime;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * {@link ButlerInfoContributor}, on unless {@code management.info.butler.enabled=false}.
 */
@AutoConfiguration(after = ButlerAutoConfiguration.class)
@ConditionalOnClass(InfoContributor.class)
@ConditionalOnButlerRuntime
@ConditionalOnEnabledInfoContributor(value = "butler", fallback = InfoContributorFallback.USE_DEFAULTS_PROPERTY)
public final class ButlerInfoContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ButlerInfoContributor butlerInfoContributor(ServiceRuntime runtime) {
		return new ButlerInfoContributor(runtime);
	}

}

package dev.butler.autoconfigure.integration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.endpoint.MessageProducerSupport;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.autoconfigure.ButlerProperties;
import dev.butler.autoconfigure.ConditionalOnButlerRuntime;
import dev.butler.control.ButlerController;
import dev.butler.integration.FbdpAdapterServices;
import dev.butler.runtime.ServiceRuntime;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for the
 * Spring Integration channel adapters of data pipes: provides the {@link FbdpAdapterServices} that
 * run their pipes, each on a Butler service whose runtime options
 * ({@code butler.services.<id>.stop-timeout}, …) apply as for any other service.
 */
@AutoConfiguration(after = ButlerAutoConfiguration.class)
@ConditionalOnClass({ MessageProducerSupport.class, FbdpAdapterServices.class })
@ConditionalOnButlerRuntime
public final class ButlerIntegrationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	FbdpAdapterServices fbdpAdapterServices(ServiceRuntime runtime, ButlerController controller,
			ButlerProperties properties) {
		return new FbdpAdapterServices(runtime, controller, (id) -> properties.componentOptions(id, null, runtime.ipc()));
	}

}

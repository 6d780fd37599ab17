package dev.butler.runtime;

import java.util.Objects;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.service.MicroService;

/**
 * What the runtime knows of a service before it runs: its id, agent identity, implementation and
 * configuration type.
 *
 * @param id the service id, the key under {@code butler.services}
 * @param agent the agent identity
 * @param service the service implementation
 * @param configType the configuration type, {@link Void} for none
 */
public record ServiceDefinition(String id, AgentDescriptor agent, MicroService<Object> service, Class<?> configType) {

	public ServiceDefinition {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(agent, "'agent' must not be null");
		Objects.requireNonNull(service, "'service' must not be null");
		Objects.requireNonNull(configType, "'configType' must not be null");
	}

	/**
	 * Return the configuration prefix of this service.
	 * @return {@code butler.services.<id>}
	 */
	public String configPrefix() {
		return "butler.services." + this.id;
	}

}

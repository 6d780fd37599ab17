package dev.butler.runtime;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;

import dev.butler.protocol.AgentDescriptor;
import dev.butler.service.AgentIdentity;
import dev.butler.service.ButlerService;
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
public record ServiceDefinition(String id, AgentDescriptor agent, MicroService<@Nullable Object> service,
		Class<?> configType) {

	public ServiceDefinition {
		Objects.requireNonNull(id, "'id' must not be null");
		Objects.requireNonNull(agent, "'agent' must not be null");
		Objects.requireNonNull(service, "'service' must not be null");
		Objects.requireNonNull(configType, "'configType' must not be null");
	}

	/**
	 * Define a service by its {@link ButlerService @ButlerService} annotation, on its class or a
	 * superclass, and the configuration type it declares as {@code MicroService<C>}.
	 * @param id the service id
	 * @param service the service
	 * @return the definition
	 * @throws IllegalArgumentException if the service's class has no {@code @ButlerService}
	 * @throws IllegalStateException if the annotation's {@code uid} or {@code vendor} is not a UUID
	 */
	@SuppressWarnings("unchecked")
	public static ServiceDefinition of(String id, MicroService<?> service) {
		MergedAnnotation<ButlerService> annotation = MergedAnnotations
			.from(service.getClass(), SearchStrategy.TYPE_HIERARCHY)
			.get(ButlerService.class);
		if (!annotation.isPresent()) {
			throw new IllegalArgumentException(service.getClass().getName() + " of service '" + id
					+ "' is not annotated with @" + ButlerService.class.getSimpleName());
		}
		Class<?> configType = ResolvableType.forClass(service.getClass()).as(MicroService.class).getGeneric(0).resolve();
		return new ServiceDefinition(id, AgentIdentity.of(id, annotation.synthesize()),
				(MicroService<@Nullable Object>) service, (configType != null) ? configType : Void.class);
	}

	/**
	 * Return the configuration prefix of this service.
	 * @return {@code butler.services.<id>}
	 */
	public String configPrefix() {
		return "butler.services." + this.id;
	}

}

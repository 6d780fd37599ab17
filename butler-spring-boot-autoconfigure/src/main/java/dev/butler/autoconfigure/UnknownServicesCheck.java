package dev.butler.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import dev.butler.config.ServicePropertyNames;
import dev.butler.control.ButlerComponent;
import dev.butler.integration.FbdpMessageHandler;
import dev.butler.integration.FbdpMessageProducer;

/**
 * Checks, once all singletons exist and before any service starts, that every id under
 * {@code butler.services} names a service of the application: a Butler service bean, a standard
 * service run by agent, the service of an FBDP channel adapter, a foreign component, or a service
 * the application adds at run time ({@code added-at-run-time}).
 */
final class UnknownServicesCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(UnknownServicesCheck.class);

	private static final boolean INTEGRATION_PRESENT = ClassUtils.isPresent(
			"org.springframework.integration.endpoint.MessageProducerSupport", UnknownServicesCheck.class.getClassLoader());

	private final ListableBeanFactory beanFactory;

	private final Environment environment;

	private final ButlerProperties properties;

	UnknownServicesCheck(ListableBeanFactory beanFactory, Environment environment, ButlerProperties properties) {
		this.beanFactory = beanFactory;
		this.environment = environment;
		this.properties = properties;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Set<String> ids = new LinkedHashSet<>();
		this.beanFactory.getBeanProvider(ButlerComponent.class).forEach((component) -> ids.add(component.id()));
		ids.addAll(this.properties.components().keySet());
		this.properties.services().forEach((id, service) -> {
			if (service.addedAtRunTime()) {
				ids.add(id);
			}
		});
		if (INTEGRATION_PRESENT) {
			AdapterServices.addIds(this.beanFactory, ids);
		}
		ServicePropertyNames.checkServices(this.environment, ids, this.properties.onUnknownProperty(), logger);
	}

	private static final class AdapterServices {

		static void addIds(ListableBeanFactory beanFactory, Set<String> ids) {
			beanFactory.getBeansOfType(FbdpMessageProducer.class, false, false)
				.values()
				.forEach((adapter) -> ids.add(adapter.getServiceId()));
			beanFactory.getBeansOfType(FbdpMessageHandler.class, false, false)
				.values()
				.forEach((adapter) -> ids.add(adapter.getServiceId()));
		}

	}

}

package dev.butler.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerController;
import dev.butler.control.ComponentOptions;
import dev.butler.control.ForeignComponent;
import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.VendorUids;
import dev.butler.runtime.ServiceDefinition;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.standard.StandardServices;

/**
 * Registers a {@link ManagedMicroService} lifecycle bean for every {@link ButlerService @ButlerService}
 * bean, and a {@link ForeignComponent} for every entry of {@code butler.components}.
 */
final class ButlerServiceRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

	private static final Log logger = LogFactory.getLog(ButlerServiceRegistrar.class);

	static final String SERVICE_BEAN_PREFIX = "butlerService.";

	static final String COMPONENT_BEAN_PREFIX = "butlerComponent.";

	static final String STANDARD_SERVICE_BEAN_PREFIX = "butlerStandardService.";

	// Set by Spring before the registry is post-processed (EnvironmentAware).
	@SuppressWarnings("NullAway.Init")
	private Environment environment;

	/** The runtime keys of {@code butler.services}, by service id. */
	private Map<String, ButlerProperties.Service> servicesOptions = Map.of();

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
		if (!(registry instanceof ConfigurableListableBeanFactory beanFactory)) {
			return;
		}
		this.servicesOptions = Binder.get(this.environment)
			.bind("butler.services", Bindable.mapOf(String.class, ButlerProperties.Service.class))
			.orElse(Map.of());
		Map<String, String> services = findServices(beanFactory);
		registerStandardServices(registry, services);
		String externalControl = this.environment.getProperty("butler.control.address");
		if (StringUtils.hasText(externalControl) && services.size() != 1) {
			throw new ServiceConfigurationException("butler.control.address", externalControl,
					"applies to an application with exactly one Butler service, but there are " + services.size() + " "
							+ services.keySet() + "; set butler.services.<id>.control-address instead");
		}
		Map<String, ButlerProperties.Component> components = Binder.get(this.environment)
			.bind("butler.components", Bindable.mapOf(String.class, ButlerProperties.Component.class))
			.orElse(Map.of());
		Map<String, List<String>> dependencies = dependencies(services.keySet(), components.keySet());
		services.forEach((id, beanName) -> {
			RootBeanDefinition definition = new RootBeanDefinition(ManagedMicroService.class);
			List<String> dependencyBeans = dependencies.getOrDefault(id, List.of())
				.stream()
				.map((dependency) -> services.containsKey(dependency) ? SERVICE_BEAN_PREFIX + dependency
						: COMPONENT_BEAN_PREFIX + dependency)
				.toList();
			definition.setInstanceSupplier(
					() -> createService(beanFactory, id, beanName, externalControl, dependencyBeans));
			List<String> dependsOn = new ArrayList<>(dependencyBeans);
			dependsOn.add(0, beanName);
			definition.setDependsOn(dependsOn.toArray(String[]::new));
			registry.registerBeanDefinition(SERVICE_BEAN_PREFIX + id, definition);
		});
		components.forEach((id, component) -> {
			RootBeanDefinition definition = new RootBeanDefinition(ForeignComponent.class);
			definition.setInstanceSupplier(() -> createComponent(beanFactory, id, component));
			registry.registerBeanDefinition(COMPONENT_BEAN_PREFIX + id, definition);
		});
	}

	/**
	 * Register a bean for each {@code butler.services.<id>.agent} naming a standard service, and add
	 * it to {@code services}.
	 */
	private void registerStandardServices(BeanDefinitionRegistry registry, Map<String, String> services) {
		this.servicesOptions.forEach((id, options) -> {
			if (!StringUtils.hasText(options.agent())) {
				return;
			}
			String property = "butler.services." + id + ".agent";
			if (services.containsKey(id)) {
				throw new ServiceConfigurationException(property, options.agent(),
						"asks for a standard service, but bean '" + services.get(id) + "' is already Butler service '"
								+ id + "'");
			}
			Class<?> type = StandardServices.find(options.agent())
				.orElseThrow(() -> new ServiceConfigurationException(property, options.agent(),
						"no standard service has this name or uid; known: "
								+ String.join(", ", StandardServices.names())));
			String beanName = STANDARD_SERVICE_BEAN_PREFIX + id;
			registry.registerBeanDefinition(beanName, new RootBeanDefinition(type));
			services.put(id, beanName);
		});
	}

	/**
	 * Read {@code butler.services.<id>.depends-on} of every service: each name must be a service or a
	 * foreign component, and no service may depend on itself through others.
	 */
	private Map<String, List<String>> dependencies(Set<String> services, Set<String> components) {
		Map<String, List<String>> dependencies = new LinkedHashMap<>();
		this.servicesOptions.forEach((id, options) -> {
			if (options.dependsOn() == null || options.dependsOn().isEmpty() || !services.contains(id)) {
			return;
			}
			for (String dependency : options.dependsOn()) {
			if (!services.contains(dependency) && !components.contains(dependency)) {
				throw unknownDependency(id, options.dependsOn(), dependency, services, components);
			}
			}
			dependencies.put(id, List.copyOf(options.dependsOn()));
		});
		for (String id : dependencies.keySet()) {
			List<String> cycle = cycleFrom(id, dependencies, new ArrayList<>());
			if (cycle != null) {
			throw new ServiceConfigurationException("butler.services." + id + ".depends-on",
					String.join(",", dependencies.get(id)), "the services depend on each other in a circle: "
							+ String.join(" -> ", cycle));
			}
		}
		return dependencies;
	}

	/**
	 * Return the failure of a {@code depends-on} that names neither a service nor a foreign component.
	 */
	static ServiceConfigurationException unknownDependency(String id, List<String> dependsOn, String dependency,
			Collection<String> services, Collection<String> components) {
		return new ServiceConfigurationException("butler.services." + id + ".depends-on", String.join(",", dependsOn),
				"'" + dependency + "' is neither a Butler service nor a foreign component; services: "
						+ String.join(", ", services)
						+ (components.isEmpty() ? "" : "; components: " + String.join(", ", components)));
	}

	private static @Nullable List<String> cycleFrom(String id, Map<String, List<String>> dependencies,
			List<String> path) {
		int start = path.indexOf(id);
		if (start >= 0) {
			List<String> cycle = new ArrayList<>(path.subList(start, path.size()));
			cycle.add(id);
			return cycle;
		}
		path.add(id);
		for (String dependency : dependencies.getOrDefault(id, List.of())) {
			List<String> cycle = cycleFrom(dependency, dependencies, path);
			if (cycle != null) {
			return cycle;
			}
		}
		path.remove(path.size() - 1);
		return null;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
	}

	private Map<String, String> findServices(ConfigurableListableBeanFactory beanFactory) {
		Map<String, String> services = new LinkedHashMap<>();
		for (String beanName : beanFactory.getBeanDefinitionNames()) {
			Class<?> type = beanFactory.getType(beanName, false);
			if (type == null) {
			continue;
			}
			MergedAnnotation<ButlerService> annotation = MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).get(ButlerService.class);
			if (!annotation.isPresent() || isTemplate(beanFactory, beanName)) {
			continue;
			}
			if (!MicroService.class.isAssignableFrom(type)) {
			throw new IllegalStateException("Bean '" + beanName + "' (" + type.getName() + ") is annotated with @"
					+ ButlerService.class.getSimpleName() + " but does not implement " + MicroService.class.getName());
			}
			String id = StringUtils.hasText(annotation.getString("id")) ? annotation.getString("id") : beanName;
			String previous = services.putIfAbsent(id, beanName);
			if (previous != null) {
			throw new IllegalStateException(
					"Beans '" + previous + "' and '" + beanName + "' are both Butler services with id '" + id + "'");
			}
		}
		return services;
	}

	/**
	 * Return whether a bean is a prototype: a service that contexts make anew for each transaction
	 * rather than one the application runs.
	 */
	private static boolean isTemplate(ConfigurableListableBeanFactory beanFactory, String beanName) {
		return beanFactory.containsBeanDefinition(beanName) && beanFactory.getBeanDefinition(beanName).isPrototype();
	}

	private ManagedMicroService createService(BeanFactory beanFactory, String id, String beanName,
			@Nullable String externalControl, List<String> dependencyBeans) {
		return managedService(beanFactory, beanFactory.getBean(ButlerProperties.class), id,
				beanFactory.getBean(beanName, MicroService.class), externalControl,
				dependencyBeans.stream().map((name) -> beanFactory.getBean(name, ButlerComponent.class)).toList());
	}

	/**
	 * Create the managed service that runs a service, with the options of its id and the components
	 * it depends on: for a {@code @ButlerService} bean, a standard service, or one added at run time.
	 */
	static ManagedMicroService managedService(BeanFactory beanFactory, ButlerProperties properties, String id,
			MicroService<?> service, @Nullable String externalControl, List<ButlerComponent> dependencies) {
		ServiceDefinition definition = ServiceDefinition.of(id, service);
		warnOfLibraryVendor(definition);
		ServiceRuntime runtime = beanFactory.getBean(ServiceRuntime.class);
		ManagedMicroService managed = new ManagedMicroService(definition,
			properties.componentOptions(id, externalControl, runtime.ipc()),
			beanFactory.getBean(ButlerController.class), runtime);
		managed.setDependencies(dependencies);
		return managed;
	}

	/**
	 * Warn when a service of the application, not one of the library's standard services, goes by the
	 * library's vendor uid, which is what it gets when its {@code @ButlerService} names no vendor.
	 */
	private static void warnOfLibraryVendor(ServiceDefinition definition) {
		if (VendorUids.BUTLER.equals(definition.agent().vendor())
			&& !StandardServices.all().contains(definition.service().getClass())) {
			logger.warn("Butler service '" + definition.id() + "' (" + definition.service().getClass().getName()
				+ ") goes by the vendor uid of the Butler library, " + VendorUids.BUTLER
				+ "; peers and controllers take it for the library's own agent. Set your organisation's uid with "
				+ "@ButlerService(vendor = \"...\"), e.g. uuid5(NAMESPACE_OID, <your organisation's OID>)");
		}
	}

	private ForeignComponent createComponent(BeanFactory beanFactory, String id, ButlerProperties.Component component) {
		if (!StringUtils.hasText(component.address())) {
			throw new ServiceConfigurationException("butler.components." + id + ".address", component.address(),
				"is required: the address to bind for foreign component '" + id + "', e.g. tcp://127.0.0.1:5100");
		}
		beanFactory.getBean(ServiceRuntime.class)
			.ipc()
			.checkProperty("butler.components." + id + ".address", component.address());
		return new ForeignComponent(id,
			new ComponentOptions(component.optional(), component.autoStartup(), component.warmUpTimeout(),
					component.stopTimeout(), component.address()),
			component.configurable(), beanFactory.getBean(ButlerController.class),
			beanFactory.getBeanProvider(Clock.class).getIfUnique(Clock::systemUTC));
	}

}

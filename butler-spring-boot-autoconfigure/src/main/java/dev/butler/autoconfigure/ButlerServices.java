package dev.butler.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.context.ConfigurableApplicationContext;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;

/**
 * Adds services to the application while it runs, as {@code Orchestrator.Add} of Go's srv does: a
 * service added here is run as one declared with {@link ButlerService @ButlerService} is, with the
 * options of {@code butler.services.<id>.*} (runtime keys, configuration, pipe options, unknown keys
 * refused), its {@code depends-on}, under the same supervision, seen by the {@code butler} endpoint,
 * health and metrics, and stopped with the application. Its id must be marked
 * {@code butler.services.<id>.added-at-run-time=true} if the configuration names it: an id that
 * names no service is otherwise refused when the application starts.
 */
public final class ButlerServices {

	private static final Log logger = LogFactory.getLog(ButlerServices.class);

	private final ConfigurableApplicationContext context;

	private final DefaultListableBeanFactory beanFactory;

	private final ButlerComponents components;

	private final ObjectProvider<ServiceSupervision> supervision;

	private final Set<String> added = ConcurrentHashMap.newKeySet();

	ButlerServices(ConfigurableApplicationContext context, ButlerComponents components,
			ObjectProvider<ServiceSupervision> supervision) {
		this.context = context;
		if (!(context.getBeanFactory() instanceof DefaultListableBeanFactory factory)) {
			throw new IllegalStateException("Butler services are added to a DefaultListableBeanFactory, not to "
					+ context.getBeanFactory().getClass().getName());
		}
		this.beanFactory = factory;
		this.components = components;
		this.supervision = supervision;
	}

	/**
	 * Add a service and start it, after the components it depends on, unless
	 * {@code butler.services.<id>.auto-startup} is {@code false}. The service is registered as the
	 * bean {@code butlerService.<id>} and supervised as a declared one is. If it fails to start and
	 * is not optional, it is removed again and the failure thrown.
	 * @param id the service id, unique among the services and foreign components
	 * @param service the service; its class is annotated with {@link ButlerService @ButlerService}
	 * @return the managed service, READY unless it does not start with the application or is an
	 * optional one that failed to start
	 * @throws IllegalArgumentException if a service or foreign component with that id exists
	 * @throws IllegalStateException if the application is not running
	 * @throws RuntimeException what the start threw, e.g. a
	 * {@link dev.butler.control.ComponentControlException} or a
	 * {@link dev.butler.service.ServiceConfigurationException} naming the property
	 */
	public synchronized ManagedMicroService add(String id, MicroService<?> service) {
		if (!this.context.isRunning()) {
			throw new IllegalStateException("Butler service '" + id
					+ "' can be added only while the application runs, after it started and before it stops");
		}
		if (this.components.find(id).isPresent() || this.beanFactory.containsBean(beanName(id))) {
			throw new IllegalArgumentException("A Butler service or foreign component with id '" + id
					+ "' exists already; remove it first or choose another id");
		}
		ButlerProperties properties = this.beanFactory.getBean(ButlerProperties.class);
		ManagedMicroService managed = ButlerServiceRegistrar.managedService(this.beanFactory, id, service, null,
				dependencies(id, properties));
		String beanName = beanName(id);
		this.beanFactory.initializeBean(managed, beanName);
		this.beanFactory.registerSingleton(beanName, managed);
		this.added.add(id);
		ServiceSupervision supervision = this.supervision.getIfAvailable();
		if (supervision != null) {
			supervision.supervise(managed);
			try {
				supervision.trigger(managed);
			}
			catch (RuntimeException ex) {
				unregister(managed);
				throw ex;
			}
		}
		logger.info("Butler service '" + id + "' added");
		if (!managed.isAutoStartup()) {
			return managed;
		}
		try {
			managed.start();
		}
		catch (RuntimeException ex) {
			unregister(managed);
			throw ex;
		}
		return managed;
	}

	/**
	 * Stop a service added with {@link #add}, stop supervising it, and remove it.
	 * @param id the service id
	 * @throws IllegalArgumentException if no service with that id was added at run time
	 * @throws IllegalStateException if services that depend on it run
	 */
	public synchronized void remove(String id) {
		if (!this.added.contains(id)) {
			throw new IllegalArgumentException("No Butler service '" + id
					+ "' was added at run time; only those can be removed, added: "
					+ (this.added.isEmpty() ? "none" : String.join(", ", this.added)));
		}
		ManagedMicroService managed = this.beanFactory.getBean(beanName(id), ManagedMicroService.class);
		List<String> dependents = this.components.list()
			.stream()
			.filter((component) -> component instanceof ManagedMicroService service && service.isRunning()
					&& service.dependencies().contains(managed))
			.map(ButlerComponent::id)
			.toList();
		if (!dependents.isEmpty()) {
			throw new IllegalStateException("Butler service '" + id + "' cannot be removed while " + dependents
					+ " that depend on it run");
		}
		managed.stop();
		unregister(managed);
		logger.info("Butler service '" + id + "' removed");
	}

	private void unregister(ManagedMicroService managed) {
		ServiceSupervision supervision = this.supervision.getIfAvailable();
		if (supervision != null) {
			supervision.unsupervise(managed);
		}
		this.beanFactory.destroySingleton(beanName(managed.id()));
		this.added.remove(managed.id());
	}

	/**
	 * Return the components that {@code butler.services.<id>.depends-on} names.
	 */
	private List<ButlerComponent> dependencies(String id, ButlerProperties properties) {
		List<String> dependsOn = properties.service(id).dependsOn();
		if (dependsOn == null) {
			return List.of();
		}
		List<ButlerComponent> dependencies = new ArrayList<>();
		for (String dependency : dependsOn) {
			ButlerComponent component = this.components.find(dependency)
				.orElseThrow(() -> ButlerServiceRegistrar.unknownDependency(id, dependsOn, dependency,
						idsOf(ButlerComponent.Kind.SERVICE), idsOf(ButlerComponent.Kind.FOREIGN)));
			dependencies.add(component);
		}
		return dependencies;
	}

	private List<String> idsOf(ButlerComponent.Kind kind) {
		return this.components.list().stream().filter((component) -> component.kind() == kind)
			.map(ButlerComponent::id)
			.toList();
	}

	private static String beanName(String id) {
		return ButlerServiceRegistrar.SERVICE_BEAN_PREFIX + id;
	}

}

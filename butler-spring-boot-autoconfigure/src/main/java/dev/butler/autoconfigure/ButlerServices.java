package dev.butler.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ManagedMicroService;
import dev.butler.control.ServiceStartup;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.supervision.RestartIntensity;
import dev.butler.supervision.RestartStrategy;

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

	/** The services of each group added at run time, by the group's name. */
	private final Map<String, List<String>> groups = new ConcurrentHashMap<>();

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
		return addAll(null, Map.of(id, service)).get(0);
	}

	/**
	 * Add services as one supervision group and start them, each after the components it depends
	 * on (among them or in the application), in the given order otherwise. They may depend on and
	 * trigger each other. If one that is not optional fails to start, all are stopped and removed
	 * again and the failure thrown.
	 * @param group the group's name, unique among the supervision groups
	 * @param strategy which of them are restarted together
	 * @param intensity how many group restarts are made in a period before it gives up;
	 * {@code null} for that of {@code butler.supervision}
	 * @param services the services by id, in the order they start
	 * @return the managed services, in order
	 * @throws IllegalArgumentException if a service or foreign component with one of the ids, or a
	 * group with that name, exists
	 * @throws IllegalStateException if the application is not running
	 */
	public synchronized List<ManagedMicroService> addGroup(String group, RestartStrategy strategy,
			@Nullable RestartIntensity intensity, Map<String, ? extends MicroService<?>> services) {
		if (services.isEmpty()) {
			throw new IllegalArgumentException("Group '" + group + "' names no services");
		}
		if (this.groups.containsKey(group)) {
			throw new IllegalArgumentException("A group '" + group + "' was added already; remove it first");
		}
		return addAll(new GroupSpec(group, strategy, intensity), services);
	}

	private List<ManagedMicroService> addAll(@Nullable GroupSpec group, Map<String, ? extends MicroService<?>> services) {
		if (!this.context.isRunning()) {
			throw new IllegalStateException("Butler services " + services.keySet()
					+ " can be added only while the application runs, after it started and before it stops");
		}
		for (String id : services.keySet()) {
			if (this.components.find(id).isPresent() || this.beanFactory.containsBean(beanName(id))) {
				throw new IllegalArgumentException("A Butler service or foreign component with id '" + id
						+ "' exists already; remove it first or choose another id");
			}
		}
		Binder binder = Binder.get(this.context.getEnvironment());
		ButlerProperties properties = this.beanFactory.getBean(ButlerProperties.class);
		Map<String, ManagedMicroService> added = new LinkedHashMap<>();
		ServiceSupervision supervision = this.supervision.getIfAvailable();
		try {
			for (Map.Entry<String, ? extends MicroService<?>> entry : services.entrySet()) {
				String id = entry.getKey();
				properties = properties.withService(id, binder
					.bind("butler.services." + id, ButlerProperties.Service.class)
					.orElse(ButlerProperties.Service.DEFAULTS));
				ManagedMicroService managed = ButlerServiceRegistrar.managedService(this.beanFactory, properties, id,
						entry.getValue(), null, List.of());
				String beanName = beanName(id);
				this.beanFactory.initializeBean(managed, beanName);
				this.beanFactory.registerSingleton(beanName, managed);
				this.added.add(id);
				added.put(id, managed);
			}
			for (ManagedMicroService managed : added.values()) {
				managed.setDependencies(dependencies(managed.id(), properties, added));
			}
			if (group != null) {
				this.groups.put(group.name(), List.copyOf(added.keySet()));
			}
			if (supervision != null) {
				for (ManagedMicroService managed : added.values()) {
					supervision.supervise(managed, properties);
				}
				if (group != null) {
					supervision.group(group.name(), group.strategy(), List.copyOf(added.keySet()), group.intensity());
				}
				for (ManagedMicroService managed : added.values()) {
					supervision.trigger(managed, properties);
				}
			}
			for (ManagedMicroService managed : ServiceStartup.inDependencyOrder(List.copyOf(added.values()))) {
				if (managed.isAutoStartup()) {
					managed.start();
				}
			}
		}
		catch (RuntimeException ex) {
			List<ManagedMicroService> reversed = new ArrayList<>(added.values());
			Collections.reverse(reversed);
			reversed.forEach(ManagedMicroService::stop);
			unregister(group, reversed);
			throw ex;
		}
		logger.info("Butler service" + ((added.size() > 1) ? "s " : " ") + "'"
				+ String.join("', '", added.keySet()) + "' added" + ((group != null) ? " as group '" + group.name() + "'" : ""));
		return List.copyOf(added.values());
	}

	/**
	 * Stop a service added with {@link #add}, stop supervising it, and remove it.
	 * @param id the service id
	 * @throws IllegalArgumentException if no service with that id was added at run time
	 * @throws IllegalStateException if services that depend on it run, or it was added in a group
	 */
	public synchronized void remove(String id) {
		if (!this.added.contains(id)) {
			throw new IllegalArgumentException("No Butler service '" + id
					+ "' was added at run time; only those can be removed, added: "
					+ (this.added.isEmpty() ? "none" : String.join(", ", this.added)));
		}
		this.groups.forEach((group, ids) -> {
			if (ids.contains(id)) {
				throw new IllegalStateException("Butler service '" + id + "' was added in group '" + group
						+ "'; remove the group");
			}
		});
		ManagedMicroService managed = added(id);
		checkNoneDependsOn(List.of(managed));
		managed.stop();
		unregister(null, List.of(managed));
		logger.info("Butler service '" + id + "' removed");
	}

	/**
	 * Stop the services of a group added with {@link #addGroup}, last first, dissolve the group and
	 * remove them.
	 * @param group the group's name
	 * @throws IllegalArgumentException if no group with that name was added
	 * @throws IllegalStateException if services outside the group that depend on them run
	 */
	public synchronized void removeGroup(String group) {
		List<ManagedMicroService> services = ServiceStartup.inDependencyOrder(groupServices(group));
		checkNoneDependsOn(services);
		Collections.reverse(services);
		services.forEach(ManagedMicroService::stop);
		unregister(new GroupSpec(group, RestartStrategy.ONE_FOR_ONE, null), services);
		logger.info("Butler services " + services.stream().map(ManagedMicroService::id).toList() + " of group '"
				+ group + "' removed");
	}

	/**
	 * Start the services of a group added with {@link #addGroup} that do not run, each after those
	 * it depends on.
	 * @param group the group's name
	 * @throws IllegalArgumentException if no group with that name was added
	 * @throws RuntimeException what a start threw, e.g. a
	 * {@link dev.butler.control.ComponentControlException}
	 */
	public void startGroup(String group) {
		ServiceStartup.inDependencyOrder(groupServices(group)).forEach(ManagedMicroService::start);
	}

	/**
	 * Stop the services of a group added with {@link #addGroup}, last first, then start them.
	 * @param group the group's name
	 * @throws IllegalArgumentException if no group with that name was added
	 * @throws RuntimeException what a start threw
	 */
	public void restartGroup(String group) {
		List<ManagedMicroService> services = ServiceStartup.inDependencyOrder(groupServices(group));
		Collections.reverse(services);
		services.forEach(ManagedMicroService::stop);
		startGroup(group);
	}

	/**
	 * Return the services of a group added with {@link #addGroup}, in the order they were given.
	 * @param group the group's name
	 * @return the services
	 * @throws IllegalArgumentException if no group with that name was added
	 */
	public List<ManagedMicroService> groupServices(String group) {
		List<String> ids = this.groups.get(group);
		if (ids == null) {
			throw new IllegalArgumentException("No group '" + group + "' was added at run time; added: "
					+ (this.groups.isEmpty() ? "none" : String.join(", ", this.groups.keySet())));
		}
		return ids.stream().map(this::added).toList();
	}

	private ManagedMicroService added(String id) {
		return this.beanFactory.getBean(beanName(id), ManagedMicroService.class);
	}

	private void checkNoneDependsOn(List<ManagedMicroService> removed) {
		List<String> dependents = this.components.list()
			.stream()
			.filter((component) -> component instanceof ManagedMicroService service && !removed.contains(service)
					&& service.isRunning() && removed.stream().anyMatch(service.dependencies()::contains))
			.map(ButlerComponent::id)
			.toList();
		if (!dependents.isEmpty()) {
			throw new IllegalStateException(((removed.size() == 1) ? "Butler service '" + removed.get(0).id() + "'"
					: "Butler services " + removed.stream().map(ManagedMicroService::id).toList())
					+ " cannot be removed while " + dependents + " that depend on " + ((removed.size() == 1) ? "it" : "them")
					+ " run");
		}
	}

	private void unregister(@Nullable GroupSpec group, List<ManagedMicroService> services) {
		ServiceSupervision supervision = this.supervision.getIfAvailable();
		if (group != null && this.groups.remove(group.name()) != null && supervision != null) {
			supervision.ungroup(group.name());
		}
		for (ManagedMicroService managed : services) {
			if (supervision != null) {
				supervision.unsupervise(managed);
			}
			this.beanFactory.destroySingleton(beanName(managed.id()));
			this.added.remove(managed.id());
		}
	}

	private record GroupSpec(String name, RestartStrategy strategy, @Nullable RestartIntensity intensity) {
	}

	/**
	 * Return the components that {@code butler.services.<id>.depends-on} names.
	 */
	private List<ButlerComponent> dependencies(String id, ButlerProperties properties,
			Map<String, ManagedMicroService> added) {
		List<String> dependsOn = properties.service(id).dependsOn();
		if (dependsOn == null) {
			return List.of();
		}
		List<ButlerComponent> dependencies = new ArrayList<>();
		for (String dependency : dependsOn) {
			ButlerComponent component = Optional.<ButlerComponent>ofNullable(added.get(dependency))
				.or(() -> this.components.find(dependency))
				.orElseThrow(() -> ButlerServiceRegistrar.unknownDependency(id, dependsOn, dependency,
						idsOf(ButlerComponent.Kind.SERVICE).stream().filter((other) -> !other.equals(id)).toList(),
						idsOf(ButlerComponent.Kind.FOREIGN)));
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

package dev.butler.service;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A Firebird Butler microservice, with the life cycle of Saturnin's {@code MicroService}.
 * <p>
 * Warm-up calls {@link #initialize}, binds the endpoints registered with the
 * {@link ServiceContext}, then calls {@link #acquireResources()} and {@link #startActivities()}; the
 * service is READY when all succeed. It then serves on its own thread: every method here, every
 * {@link MessageHandler} and every scheduled action runs on that one thread, so a service needs no
 * locking. A stop request ends the run loop and calls {@link #stopActivities()} and
 * {@link #releaseResources()}. A service may be started again after it stopped: {@link #initialize}
 * is then called again with a freshly bound configuration.
 * <p>
 * Everything under {@code butler.services.<id>} is bound once per start, before warm-up, on the
 * thread that starts the service: the configuration {@code C}, each of the {@link #optionTypes()}
 * and the runtime keys. A key that none of them declares fails the start, naming the nearest known
 * keys.
 *
 * @param <C> the type of the service configuration, bound from {@code butler.services.<id>.*}; use
 * {@link Void} for a service without configuration, whose {@link #initialize} then gets {@code null}
 */
public interface MicroService<C extends @Nullable Object> {

	/**
	 * Return the types of further options this service reads from its configuration prefix beside
	 * its configuration, e.g. {@code PipeOptions}. They are bound and validated with the
	 * configuration before each start; read them with {@link ServiceContext#options(Class)}.
	 * @return the option types, none by default
	 */
	default List<Class<?>> optionTypes() {
		return List.of();
	}

	/**
	 * Return defaults of this service's options that differ from those of the option types, e.g.
	 * {@code batch-size=5} for the text services, as in Saturnin. A property that is set wins.
	 * @return the defaults by property name relative to the configuration prefix, none by default
	 */
	default Map<String, Object> optionDefaults() {
		return Map.of();
	}

	/**
	 * Verify the configuration and assemble the service: create its channels and register the
	 * endpoints to bind. Throw {@link ServiceConfigurationException} for a bad option.
	 * @param config the bound and validated configuration, {@code null} for {@link Void}
	 * @param context the service context
	 * @throws Exception if the service cannot be initialized
	 */
	void initialize(C config, ServiceContext context) throws Exception;

	/**
	 * Acquire resources the service needs, e.g. open files or connect to other services.
	 * @throws Exception if a resource cannot be acquired
	 */
	default void acquireResources() throws Exception {
	}

	/**
	 * Start normal activities, e.g. schedule periodic actions.
	 * @throws Exception if the activities cannot start
	 */
	default void startActivities() throws Exception {
	}

	/**
	 * Stop activities started by {@link #startActivities()}.
	 * @throws Exception if stopping fails
	 */
	default void stopActivities() throws Exception {
	}

	/**
	 * Release resources acquired by {@link #acquireResources()}.
	 * @throws Exception if releasing fails
	 */
	default void releaseResources() throws Exception {
	}

	/**
	 * Apply a run-time configuration request from the controller (ICCP REQUEST/CONF). The default
	 * refuses: override it to support run-time configuration.
	 * @param request the requested options
	 * @throws Exception if the configuration is refused or cannot be applied; its message is sent
	 * back to the controller
	 */
	default void handleConfigRequest(ConfigurationRequest request) throws Exception {
		throw new UnsupportedOperationException("Service does not support run-time configuration");
	}

}

package dev.butler.integration;

import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.Assert;

import dev.butler.control.ButlerController;
import dev.butler.control.ComponentOptions;
import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.VendorUids;
import dev.butler.runtime.ServiceDefinition;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.service.AgentIdentity;
import dev.butler.service.MicroService;
import dev.butler.zeromq.ZmqContext;

/**
 * Makes the Butler services that run the data pipes of FBDP channel adapters: each adapter runs
 * its pipe on a service loop of its own, driven over ICCP by the application's controller like any
 * other service, and started and stopped with the adapter. The adapters find this bean in their
 * application context; it is auto-configured with the Butler runtime.
 */
public class FbdpAdapterServices {

	private static final String VERSION = versionOf(FbdpAdapterServices.class);

	private final ServiceRuntime runtime;

	private final ButlerController controller;

	private final Function<String, ComponentOptions> componentOptions;

	/**
	 * Create the factory.
	 * @param runtime what all services share
	 * @param controller the in-process ICCP controller
	 * @param componentOptions how to run the service with a given id, e.g. its stop timeout
	 */
	public FbdpAdapterServices(ServiceRuntime runtime, ButlerController controller,
			Function<String, ComponentOptions> componentOptions) {
		this.runtime = Objects.requireNonNull(runtime, "'runtime' must not be null");
		this.controller = Objects.requireNonNull(controller, "'controller' must not be null");
		this.componentOptions = Objects.requireNonNull(componentOptions, "'componentOptions' must not be null");
	}

	/**
	 * Return how the service with the given id runs.
	 * @param id the service id
	 * @return the options
	 */
	public ComponentOptions componentOptions(String id) {
		return this.componentOptions.apply(id);
	}

	/**
	 * Return the ZeroMQ context of the services.
	 * @return the ZeroMQ context
	 */
	public ZmqContext zmq() {
		return this.runtime.zmq();
	}

	@SuppressWarnings("unchecked")
	ManagedMicroService create(String id, Kind kind, MicroService<Void> service) {
		String name = "dev.butler.integration." + kind.agentName;
		AgentDescriptor agent = new AgentDescriptor(AgentIdentity.uid("", "", name, id), name, VERSION, VendorUids.BUTLER,
				"integration/" + kind.agentName, kind.description);
		ServiceDefinition definition = new ServiceDefinition(id, agent,
				(MicroService<@Nullable Object>) (MicroService<?>) service, Void.class);
		return new ManagedMicroService(definition, componentOptions(id), this.controller, this.runtime);
	}

	private static String versionOf(Class<?> type) {
		String version = type.getPackage().getImplementationVersion();
		return (version != null) ? version : "0.0.0";
	}

	/**
	 * The kinds of adapter service.
	 */
	enum Kind {

		INBOUND("fbdp-inbound-channel-adapter", "Feeds the data of a pipe into a Spring Integration flow",
				"FBDP inbound channel adapter", "-inbound"),

		OUTBOUND("fbdp-outbound-channel-adapter", "Feeds the messages of a Spring Integration flow into a pipe",
				"FBDP outbound channel adapter", "-outbound");

		private final String agentName;

		private final String description;

		final String adapter;

		final String idSuffix;

		Kind(String agentName, String description, String adapter, String idSuffix) {
			this.agentName = agentName;
			this.description = description;
			this.adapter = adapter;
			this.idSuffix = idSuffix;
		}

	}

	/**
	 * Find the factory in an adapter's bean factory.
	 * @param beanFactory the adapter's bean factory, {@code null} outside a context
	 * @param adapter the adapter, for the message when there is none, e.g.
	 * {@code FBDP inbound channel adapter 'x'}
	 * @return the factory
	 * @throws IllegalStateException if there is none
	 */
	static FbdpAdapterServices find(@Nullable BeanFactory beanFactory, String adapter) {
		FbdpAdapterServices services = (beanFactory != null)
				? beanFactory.getBeanProvider(FbdpAdapterServices.class).getIfAvailable() : null;
		Assert.state(services != null, () -> adapter
				+ " needs an FbdpAdapterServices bean, which is auto-configured with the Butler runtime");
		return services;
	}

}

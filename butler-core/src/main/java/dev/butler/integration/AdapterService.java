package dev.butler.integration;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

import dev.butler.control.ManagedMicroService;
import dev.butler.pipe.DataPipe;
import dev.butler.pipe.PipeOptions;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqContext;

/**
 * The Butler service behind an FBDP channel adapter, built the same way for both kinds: its id,
 * its pipe options (given, or bound from {@code butler.services.<id>.*} at each start), the service
 * of the current run, and the event that says its pipe closed.
 */
final class AdapterService {

	private final FbdpAdapterServices.Kind kind;

	private final @Nullable PipeOptions options;

	private String id;

	private @Nullable FbdpAdapterServices services;

	private @Nullable ApplicationEventPublisher eventPublisher;

	private volatile @Nullable ManagedMicroService current;

	/**
	 * An adapter's service for a pipe with the given options, by default with the id of the pipe
	 * name followed by {@code -inbound} or {@code -outbound}.
	 */
	AdapterService(FbdpAdapterServices.Kind kind, PipeOptions options) {
		Assert.notNull(options, "'options' must not be null");
		options.validate();
		this.kind = kind;
		this.options = options;
		this.id = options.pipe() + kind.idSuffix;
	}

	/**
	 * An adapter's service whose pipe options are bound from its properties at each start.
	 */
	AdapterService(FbdpAdapterServices.Kind kind, String id) {
		Assert.hasText(id, "'serviceId' must not be empty");
		this.kind = kind;
		this.options = null;
		this.id = id;
	}

	void setId(String id) {
		Assert.hasText(id, "'serviceId' must not be empty");
		Assert.state(this.options != null, "The service id of an adapter bound from its properties is fixed");
		this.id = id;
	}

	String id() {
		return this.id;
	}

	/**
	 * Find what the services are made with, once the adapter is initialized.
	 * @param beanFactory the adapter's bean factory, {@code null} outside a context
	 * @param eventPublisher where to publish that the pipe closed, {@code null} for nowhere
	 * @param componentName the adapter's name, for the message if the factory is missing
	 */
	void init(@Nullable BeanFactory beanFactory, @Nullable ApplicationEventPublisher eventPublisher,
			String componentName) {
		this.services = FbdpAdapterServices.find(beanFactory, this.kind.adapter + " '" + componentName + "'");
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Make the service of a new run, which becomes {@link #current()}; the caller starts it.
	 */
	ManagedMicroService create(MicroService<Void> service) {
		ManagedMicroService created = services().create(this.id, this.kind, service);
		this.current = created;
		return created;
	}

	@Nullable ManagedMicroService current() {
		return this.current;
	}

	Duration stopTimeout() {
		return services().componentOptions(this.id).stopTimeout();
	}

	ZmqContext zmq() {
		return services().zmq();
	}

	private FbdpAdapterServices services() {
		FbdpAdapterServices services = this.services;
		Assert.state(services != null, "The adapter of service '" + this.id + "' is not initialized");
		return services;
	}

	/**
	 * Return the option types the service binds: the pipe options, unless they were given.
	 */
	List<Class<?>> optionTypes() {
		return (this.options != null) ? List.of() : List.of(PipeOptions.class);
	}

	/**
	 * Return the options of the pipe: those given, or those bound from the service's properties.
	 * Called on the service's thread as it initializes.
	 */
	PipeOptions pipeOptions(ServiceContext context) {
		return (this.options != null) ? this.options : context.options(PipeOptions.class);
	}

	/**
	 * Publish that the pipe closed; a failing listener is logged, not thrown.
	 */
	void publishClosed(Object source, DataPipe pipe, LogAccessor logger) {
		FbdpErrorCode code = pipe.closeCode();
		if (this.eventPublisher == null || code == null) {
			return;
		}
		try {
			this.eventPublisher.publishEvent(new FbdpPipeClosedEvent(source, pipe.options().pipe(), pipe.role(),
					code, pipe.closeDetails()));
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "A listener failed on the close of data pipe '" + pipe.options().pipe() + "'");
		}
	}

}

package dev.butler.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.butler.config.BinderServiceConfigBinder;
import dev.butler.control.ButlerComponents;
import dev.butler.control.ButlerController;
import dev.butler.control.ServiceStartup;
import dev.butler.runtime.AddressResolver;
import dev.butler.runtime.ButlerThreads;
import dev.butler.runtime.ChannelSocketCustomizer;
import dev.butler.runtime.IpcPolicy;
import dev.butler.runtime.ServiceConfigBinder;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngine;
import dev.butler.zeromq.ZmqEngines;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} for
 * Butler services: every {@link ButlerService @ButlerService} bean is run as a
 * {@link dev.butler.control.ManagedMicroService} driven by an in-process ICCP controller.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration",
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass(ButlerService.class)
@ConditionalOnBooleanProperty(name = "butler.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ButlerProperties.class)
public final class ButlerAutoConfiguration {

	/** Name of the scheduler that times scheduled actions of services. */
	public static final String TASK_SCHEDULER_BEAN_NAME = "butlerTaskScheduler";

	private static final Log logger = LogFactory.getLog(ButlerAutoConfiguration.class);

	/** How long closing the scheduler waits for its threads to end. */
	private static final Duration SCHEDULER_TERMINATION = Duration.ofSeconds(5);

	@Bean
	static ButlerServiceRegistrar butlerServiceRegistrar() {
		return new ButlerServiceRegistrar();
	}

	@Bean
	UnknownServicesCheck butlerUnknownServicesCheck(ListableBeanFactory beanFactory, Environment environment,
			ButlerProperties properties) {
		return new UnknownServicesCheck(beanFactory, environment, properties);
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ZmqContext butlerZmqContext(ButlerProperties properties) {
		int maxSockets = properties.zmq().maxSockets();
		if (maxSockets < 1) {
			throw new ServiceConfigurationException("butler.zmq.max-sockets", maxSockets, "must be at least 1");
		}
		ZmqEngine engine;
		try {
			engine = ZmqEngines.select(properties.zmq().engine());
		}
		catch (IllegalArgumentException ex) {
			throw new ServiceConfigurationException("butler.zmq.engine", properties.zmq().engine(),
					String.valueOf(ex.getMessage()));
		}
		ZmqContext zmq = engine.newContext(properties.zmq().ioThreads());
		zmq.setMaxSockets(maxSockets);
		logger.info("ZeroMQ engine: " + engine.version());
		return zmq;
	}

	/**
	 * Return what the runtime does with {@code ipc://} addresses on an engine: what
	 * {@code butler.zmq.ipc} says, by default the Unix domain sockets of an engine that has them and
	 * a refusal on JeroMQ.
	 */
	static IpcPolicy ipcPolicy(ButlerProperties properties, ZmqEngine engine) {
		IpcPolicy configured = properties.zmq().ipc();
		if (configured == null) {
			return engine.realIpc() ? IpcPolicy.NATIVE : IpcPolicy.REJECT;
		}
		if (configured == IpcPolicy.NATIVE && !engine.realIpc()) {
			throw new ServiceConfigurationException("butler.zmq.ipc", "native", "needs an engine with Unix domain "
					+ "sockets, such as libzmq (Java 22 or later with libzmq5 installed); this application runs "
					+ engine.version());
		}
		if (configured == IpcPolicy.EMULATE && engine.realIpc()) {
			logger.warn("butler.zmq.ipc=emulate applies to the JeroMQ engine only: " + engine.version()
					+ " serves ipc:// as Unix domain sockets, which JeroMQ peers cannot reach");
			return IpcPolicy.NATIVE;
		}
		return configured;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ButlerThreads butlerThreads() {
		return new ButlerThreads();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ButlerController butlerController(ZmqContext zmq, ButlerThreads threads, ButlerProperties properties,
			ServiceRuntime runtime) {
		return new ButlerController(zmq, threads, properties.zmq().maxMessageSize().toBytes(), runtime.ipc());
	}

	@Bean(name = TASK_SCHEDULER_BEAN_NAME)
	@ConditionalOnMissingBean(name = TASK_SCHEDULER_BEAN_NAME)
	ThreadPoolTaskScheduler butlerTaskScheduler(ButlerProperties properties) {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskSchedulerBuilder()
			.poolSize(properties.scheduler().poolSize())
			.threadNamePrefix("butler-scheduler-")
			.awaitTerminationPeriod(SCHEDULER_TERMINATION)
			.build();
		// Services stop after the context-closed event, and their periodic actions re-arm until then.
		scheduler.setAcceptTasksAfterContextClose(true);
		return scheduler;
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceRuntime butlerServiceRuntime(ZmqContext zmq, ButlerThreads threads,
			@Qualifier(TASK_SCHEDULER_BEAN_NAME) ThreadPoolTaskScheduler scheduler,
			ObjectProvider<ObservationRegistry> observations, ObjectProvider<Clock> clock,
			ObjectProvider<ChannelSocketCustomizer> socketCustomizers, ServiceConfigBinder configBinder,
			ButlerProperties properties, ObjectProvider<AddressResolver> addressResolvers) {
		List<ChannelSocketCustomizer> customizers = socketCustomizers.orderedStream().toList();
		IpcPolicy ipc = ipcPolicy(properties, zmq.engine());
		if (ipc == IpcPolicy.EMULATE) {
			logger.warn(IpcPolicy.EMULATION_WARNING);
		}
		return new ServiceRuntime(zmq, threads, scheduler, observations.getIfUnique(() -> ObservationRegistry.NOOP),
				clock.getIfUnique(Clock::systemUTC), (serviceId, channel, type, socket) -> customizers
					.forEach((customizer) -> customizer.customize(serviceId, channel, type, socket)),
				configBinder, properties.spoolDir(), properties.zmq().maxMessageSize().toBytes(), ipc,
				(address) -> addressResolvers.getIfAvailable(() -> AddressResolver.NONE).resolve(address));
	}

	@Bean
	@Order(0)
	ChannelSocketCustomizer butlerHandshakeIntervalCustomizer(ButlerProperties properties) {
		int handshakeInterval = (int) properties.zmq().handshakeInterval().toMillis();
		return (serviceId, channel, type, socket) -> socket.setHandshakeInterval(handshakeInterval);
	}

	@Bean
	@ConditionalOnMissingBean
	ButlerComponents butlerComponents(ObjectProvider<dev.butler.control.ButlerComponent> components) {
		return new ButlerComponents(components);
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceStartup butlerServiceStartup(ButlerComponents components, ButlerThreads threads,
			ButlerProperties properties) {
		int concurrency = properties.startup().concurrency();
		if (concurrency < 1) {
			throw new ServiceConfigurationException("butler.startup.concurrency", concurrency,
					"must be at least 1; 1 starts the services one after the other");
		}
		Map<String, List<String>> startsAfter = properties.supervision().startOrder();
		return new ServiceStartup(components::list, threads, concurrency,
				(id) -> startsAfter.getOrDefault(id, List.of()));
	}

	@Bean
	@ConditionalOnMissingBean
	ButlerServices butlerServices(ConfigurableApplicationContext context, ButlerComponents components,
			ObjectProvider<ServiceSupervision> supervision) {
		return new ButlerServices(context, components, supervision);
	}

	@Bean
	@ConditionalOnBooleanProperty("butler.shutdown-when-finished")
	ShutdownWhenFinished butlerShutdownWhenFinished(ButlerComponents components,
			@Qualifier(TASK_SCHEDULER_BEAN_NAME) ThreadPoolTaskScheduler scheduler, ButlerThreads threads) {
		return new ShutdownWhenFinished(components, scheduler, threads);
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceConfigBinder butlerServiceConfigBinder(Environment environment,
			ObjectProvider<jakarta.validation.Validator> validator, ButlerProperties properties) {
		return new BinderServiceConfigBinder(environment, ButlerProperties.Service.class, validator.getIfUnique(),
				properties.onUnknownProperty());
	}

}

package dev.butler.benchmarks;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.butler.control.ButlerController;
import dev.butler.control.ComponentOptions;
import dev.butler.control.ManagedMicroService;
import dev.butler.protocol.AgentDescriptor;
import dev.butler.protocol.Uuids;
import dev.butler.runtime.BoundConfiguration;
import dev.butler.runtime.ButlerThreads;
import dev.butler.runtime.ServiceDefinition;
import dev.butler.runtime.ServiceRuntime;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqContext;
import dev.butler.zeromq.ZmqEngine;
import dev.butler.zeromq.ZmqEngines;

/**
 * The framework pieces a Spring application would provide, wired by hand: a ZeroMQ context, the
 * runtime's threads, the in-process ICCP controller and a task scheduler. No Spring context is started.
 */
final class ButlerFixture implements AutoCloseable {

	private static final Logger butlerLogger = Logger.getLogger("dev.butler");

	static {
		// Every start and stop logs at INFO: keep that I/O out of the measurements and the report.
		butlerLogger.setLevel(Level.WARNING);
	}

	private static final AgentDescriptor AGENT = new AgentDescriptor(Uuids.fromOid("1.3.6.1.4.1.53446.99.900"),
			"bench.noop", "1.0.0", Uuids.fromOid("1.3.6.1.4.1.53446"), "bench/noop", "Benchmark service");

	/** The system property that picks the engine of fixtures made without one, JeroMQ by default. */
	static final String ENGINE_PROPERTY = "butler.zmq.engine";

	private final ZmqContext zmq;

	private final ButlerThreads threads = new ButlerThreads();

	private final ButlerController controller;

	private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	/**
	 * Create a fixture on the engine the {@value #ENGINE_PROPERTY} system property names, JeroMQ if
	 * none.
	 */
	ButlerFixture() {
		this(System.getProperty(ENGINE_PROPERTY, ZmqEngines.JEROMQ));
	}

	/**
	 * Create a fixture on an engine.
	 * @param engine {@code jeromq}, {@code libzmq} or {@code auto}
	 */
	ButlerFixture(String engine) {
		this.zmq = ZmqEngines.select(engine).newContext(1);
		// Two sockets per service (its control PAIR and the controller's end), for a thousand services.
		this.zmq.setMaxSockets(4096);
		this.controller = new ButlerController(this.zmq, this.threads);
		this.scheduler.setThreadNamePrefix("bench-scheduler-");
		this.scheduler.initialize();
	}

	/** Return the engine of the fixture's services. */
	ZmqEngine engine() {
		return this.zmq.engine();
	}

	ThreadPoolTaskScheduler scheduler() {
		return this.scheduler;
	}

	ButlerThreads threads() {
		return this.threads;
	}

	/**
	 * Create a managed service (not started) running a {@link NoopService}.
	 * @param id the service id
	 * @return the managed service
	 */
	ManagedMicroService newService(String id) {
		return newService(id, new NoopService());
	}

	/**
	 * Create a managed service (not started) running the given service, with no configuration.
	 * @param id the service id
	 * @param service the service
	 * @return the managed service
	 */
	ManagedMicroService newService(String id, MicroService<Object> service) {
		ServiceDefinition definition = new ServiceDefinition(id, AGENT, service, Void.class);
		ComponentOptions options = new ComponentOptions(false, true, Duration.ofSeconds(10), Duration.ofSeconds(10),
				null);
		// As the auto-configuration does (butler.zmq.handshake-interval): JeroMQ sometimes stalls a fresh
		// tcp handshake, and its default of 30 s outlasts a pipe's open_timeout.
		ServiceRuntime runtime = new ServiceRuntime(this.zmq, this.threads, this.scheduler, ObservationRegistry.NOOP,
				Clock.systemUTC(), (serviceId, channel, type, socket) -> socket.setHandshakeInterval(1000),
				(unused) -> BoundConfiguration.NONE, Path.of("spool"));
		return new ManagedMicroService(definition, options, this.controller, runtime);
	}

	/**
	 * Wait until {@code service.isRunning()}. {@code start()} returns when the controller received
	 * READY, which the service thread sends before it marks itself running. Parks rather than spins:
	 * on a small machine a spinning caller delays the service thread it waits for.
	 * @param service the service
	 */
	static void awaitRunning(ManagedMicroService service) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!service.isRunning()) {
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Service '" + service.id() + "' is not running: " + service.state());
			}
			LockSupport.parkNanos(10_000);
		}
	}

	@Override
	public void close() {
		this.controller.close();
		this.threads.close();
		this.scheduler.shutdown();
		this.zmq.close();
	}

	/**
	 * A service with no channels and no actions that accepts every run-time configuration, so that
	 * only the control path is measured.
	 */
	static final class NoopService implements MicroService<Object> {

		private volatile Object lastValue;

		@Override
		public void initialize(Object config, ServiceContext context) {
		}

		@Override
		public void handleConfigRequest(ConfigurationRequest request) {
			this.lastValue = request.options().get("k");
		}

	}

}

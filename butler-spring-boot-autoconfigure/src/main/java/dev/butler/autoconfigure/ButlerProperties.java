package dev.butler.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

import dev.butler.config.UnknownPropertyAction;
import dev.butler.control.ComponentOptions;
import dev.butler.runtime.IpcPolicy;

/**
 * Configuration properties of the Butler runtime. A service's own, typed options live beside these
 * under {@code butler.services.<id>.*}.
 *
 * @param enabled Whether to run Butler services at all
 * @param control Control of the services of this application
 * @param zmq The shared ZeroMQ context
 * @param scheduler The scheduler that times scheduled actions of services
 * @param services Per-service runtime options, by service id
 * @param components Foreign components to drive over ICCP, by component id
 * @param shutdownWhenFinished Whether the application exits once every service that starts with it
 * has finished, with exit code 0 if all ended with outcome OK and 1 otherwise, like
 * saturnin-service; for running standard services as pipeline stages from the command line
 * @param spoolDir Directory under which relative directory-queue names (queue-in-dir,
 * queue-out-dir) resolve, like Mentat's spool; relative to the working directory unless
 * absolute
 * @param onUnknownProperty What to do with a property under butler.services.<id> that the service
 * does not read, or whose id names no service: fail start-up, or log a warning and go on
 */
@ConfigurationProperties("butler")
public record ButlerProperties(@DefaultValue("true") boolean enabled, @DefaultValue Control control,
		@DefaultValue Zmq zmq, @DefaultValue Scheduler scheduler, Map<String, Service> services,
		Map<String, Component> components, @DefaultValue("false") boolean shutdownWhenFinished,
		@DefaultValue("spool") Path spoolDir, @DefaultValue("fail") UnknownPropertyAction onUnknownProperty) {

	public ButlerProperties {
		services = (services != null) ? Map.copyOf(services) : Map.of();
		components = (components != null) ? Map.copyOf(components) : Map.of();
	}

	/**
	 * Return the runtime options of a service, defaults if none are configured.
	 * @param id The service id
	 * @return the options
	 */
	public Service service(String id) {
		return this.services.getOrDefault(id, Service.DEFAULTS);
	}

	/**
	 * Return how the application runs the service with the given id: its runtime options, with the
	 * address of its controller checked against the {@link Zmq#ipc() ipc policy}.
	 * @param id the service id
	 * @param externalControl the address of an external controller ({@code butler.control.address})
	 * when it applies to this service and the service names none of its own, else {@code null}
	 * @return the options
	 */
	public ComponentOptions componentOptions(String id, @Nullable String externalControl) {
		Service service = service(id);
		String controlAddress = null;
		if (StringUtils.hasText(service.controlAddress())) {
			controlAddress = service.controlAddress();
			this.zmq.ipc().checkProperty("butler.services." + id + ".control-address", controlAddress);
		}
		else if (StringUtils.hasText(externalControl)) {
			controlAddress = externalControl;
			this.zmq.ipc().checkProperty("butler.control.address", controlAddress);
		}
		return new ComponentOptions(service.optional(), service.autoStartup(), service.warmUpTimeout(),
				service.stopTimeout(), controlAddress);
	}

	/**
	 * Control of the services of this application.
	 *
	 * @param address Address of an external ICCP controller (like Saturnin's --iccp) that the
	 * only service of this application connects to instead of the in-process controller
	 */
	public record Control(@Nullable String address) {

	}

	/**
	 * The shared ZeroMQ context.
	 *
	 * @param ioThreads Number of ZeroMQ I/O threads
	 * @param handshakeInterval Maximum time for the ZMTP handshake of a new connection on a service
	 * channel. JeroMQ sometimes stalls a fresh tcp handshake; it is retried after this interval. If a
	 * duration suffix is not specified, milliseconds will be used
	 * @param maxMessageSize Largest frame that any socket of the runtime (service channels and data
	 * pipes, ICCP control channels, foreign components) accepts from a peer over tcp or ipc; ZeroMQ
	 * drops the connection of a peer that sends a larger one. The default of 64MB bounds what one
	 * peer can make the application allocate (JeroMQ allocates a frame's announced size up front,
	 * up to 2GB) and is far above what Butler protocols carry. Zero or less, e.g. -1, for no limit. If
	 * a data size suffix is not specified, bytes will be used
	 * @param ipc What to do with ipc:// addresses, which JeroMQ serves as TCP ports on 127.0.0.1 that
	 * libzmq peers cannot reach: reject them at start-up, or emulate them for
	 * deployments whose peers are all JeroMQ
	 */
	public record Zmq(@DefaultValue("1") int ioThreads,
			@DefaultValue("1s") @DurationUnit(ChronoUnit.MILLIS) Duration handshakeInterval,
			@DefaultValue("64MB") @DataSizeUnit(DataUnit.BYTES) DataSize maxMessageSize,
			@DefaultValue("reject") IpcPolicy ipc) {

	}

	/**
	 * The scheduler that times the scheduled actions of services. Actions themselves always run on
	 * their service's own thread.
	 *
	 * @param poolSize Number of scheduler threads
	 */
	public record Scheduler(@DefaultValue("1") int poolSize) {

	}

	/**
	 * Runtime options of one service.
	 *
	 * @param optional Whether the application can do without the service: a failed warm-up does
	 * not fail start-up and an aborted service does not make health DOWN
	 * @param autoStartup Whether the service starts with the application
	 * @param warmUpTimeout How long to wait for the service to report READY. If a duration suffix is not
	 * specified, milliseconds will be used
	 * @param stopTimeout How long to wait for the service to report FINISHED after STOP. If a duration
	 * suffix is not specified, milliseconds will be used
	 * @param controlAddress Address of an external ICCP controller to connect to instead of the
	 * in-process one
	 * @param agent Name or uid of a standard service to run under this id, e.g.
	 * saturnin.text.reader; for services that are not beans of the application
	 */
	public record Service(@DefaultValue("false") boolean optional, @DefaultValue("true") boolean autoStartup,
			@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) Duration warmUpTimeout,
			@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) Duration stopTimeout,
			@Nullable String controlAddress, @Nullable String agent) {

		static final Service DEFAULTS = new Service(false, true, Duration.ofSeconds(10), Duration.ofSeconds(10), null,
				null);

	}

	/**
	 * A component in another process that connects to this application's controller.
	 *
	 * @param address Address to bind and wait on for the component, e.g. tcp://127.0.0.1:5100
	 * @param optional Whether the application can do without the component
	 * @param autoStartup Whether to wait for the component when the application starts
	 * @param warmUpTimeout How long to wait for the component to report READY. If a duration suffix is not
	 * specified, milliseconds will be used
	 * @param stopTimeout How long to wait for FINISHED after STOP. If a duration suffix is not
	 * specified, milliseconds will be used
	 * @param configurable Whether the component supports ICCP REQUEST/CONF; never sent otherwise
	 */
	public record Component(@Nullable String address, @DefaultValue("false") boolean optional,
			@DefaultValue("true") boolean autoStartup,
			@DefaultValue("30s") @DurationUnit(ChronoUnit.MILLIS) Duration warmUpTimeout,
			@DefaultValue("10s") @DurationUnit(ChronoUnit.MILLIS) Duration stopTimeout,
			@DefaultValue("false") boolean configurable) {

	}

}

package dev.butler.runtime;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.scheduling.TaskScheduler;

import dev.butler.zeromq.ZmqContext;

/**
 * What every service run shares: the ZeroMQ context, the source of threads, the scheduler that
 * times scheduled actions, the registry that observes them, the clock, the customizer applied to
 * every channel socket and the binder of service options, and what to do with {@code ipc://}
 * addresses.
 *
 * @param zmq the ZeroMQ context
 * @param threads where services' threads come from, closed by its owner after the services stopped
 * @param scheduler the scheduler timing scheduled actions
 * @param observations the registry observing scheduled actions
 * @param clock the clock
 * @param socketCustomizer applied to the socket of every channel a service creates
 * @param configBinder binds service options
 * @param spoolDirectory the absolute directory relative queue names resolve under
 * @param maxMessageSize the largest frame, in bytes, that a channel or control socket accepts from
 * a peer, zero or less for no limit; see {@link ZmqSupport#limitMessageSize}
 * @param ipc what to do with {@code ipc://} addresses
 * @param addressResolver turns {@code butler://} addresses into the endpoints they name
 */
public record ServiceRuntime(ZmqContext zmq, ButlerThreads threads, TaskScheduler scheduler,
		ObservationRegistry observations, Clock clock, ChannelSocketCustomizer socketCustomizer,
		ServiceConfigBinder configBinder, Path spoolDirectory, long maxMessageSize, IpcPolicy ipc,
		AddressResolver addressResolver) {

	public ServiceRuntime {
		Objects.requireNonNull(zmq, "'zmq' must not be null");
		Objects.requireNonNull(threads, "'threads' must not be null");
		Objects.requireNonNull(scheduler, "'scheduler' must not be null");
		Objects.requireNonNull(observations, "'observations' must not be null");
		Objects.requireNonNull(clock, "'clock' must not be null");
		Objects.requireNonNull(socketCustomizer, "'socketCustomizer' must not be null");
		Objects.requireNonNull(configBinder, "'configBinder' must not be null");
		Objects.requireNonNull(spoolDirectory, "'spoolDirectory' must not be null");
		Objects.requireNonNull(ipc, "'ipc' must not be null");
		Objects.requireNonNull(addressResolver, "'addressResolver' must not be null");
		spoolDirectory = spoolDirectory.toAbsolutePath().normalize();
	}

	/**
	 * Create a runtime whose sockets accept frames of up to
	 * {@link ZmqSupport#DEFAULT_MAX_MESSAGE_SIZE} and that refuses {@code ipc://} addresses
	 * ({@link IpcPolicy#REJECT}) and resolves no {@code butler://} address.
	 * @param zmq the ZeroMQ context
	 * @param threads where services' threads come from
	 * @param scheduler the scheduler timing scheduled actions
	 * @param observations the registry observing scheduled actions
	 * @param clock the clock
	 * @param socketCustomizer applied to the socket of every channel a service creates
	 * @param configBinder binds service options
	 * @param spoolDirectory the directory relative queue names resolve under
	 */
	public ServiceRuntime(ZmqContext zmq, ButlerThreads threads, TaskScheduler scheduler,
			ObservationRegistry observations, Clock clock, ChannelSocketCustomizer socketCustomizer,
			ServiceConfigBinder configBinder, Path spoolDirectory) {
		this(zmq, threads, scheduler, observations, clock, socketCustomizer, configBinder, spoolDirectory,
				ZmqSupport.DEFAULT_MAX_MESSAGE_SIZE, IpcPolicy.REJECT, AddressResolver.NONE);
	}

}

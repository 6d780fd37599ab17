package dev.butler.component;

import java.time.Clock;
import java.util.Objects;

import io.micrometer.observation.ObservationRegistry;
import org.zeromq.ZContext;

import org.springframework.scheduling.TaskScheduler;

/**
 * What every service run shares: the ZeroMQ context, the scheduler that times scheduled actions,
 * the registry that observes them, the clock and the customizer applied to every channel socket.
 *
 * @param zmq the ZeroMQ context
 * @param scheduler the scheduler timing scheduled actions
 * @param observations the registry observing scheduled actions
 * @param clock the clock
 * @param socketCustomizer applied to the socket of every channel a service creates
 */
public record ServiceRuntime(ZContext zmq, TaskScheduler scheduler, ObservationRegistry observations, Clock clock,
		ChannelSocketCustomizer socketCustomizer) {

	public ServiceRuntime {
		Objects.requireNonNull(zmq, "'zmq' must not be null");
		Objects.requireNonNull(scheduler, "'scheduler' must not be null");
		Objects.requireNonNull(observations, "'observations' must not be null");
		Objects.requireNonNull(clock, "'clock' must not be null");
		Objects.requireNonNull(socketCustomizer, "'socketCustomizer' must not be null");
	}

}

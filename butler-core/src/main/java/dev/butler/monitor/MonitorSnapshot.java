package dev.butler.monitor;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One sample of every monitored process.
 *
 * @param sampledAt when it was taken
 * @param services the processes of the JVM ({@value ProcessSampler#JVM}) and of each service
 * whose command runs, by service id
 */
public record MonitorSnapshot(Instant sampledAt, Map<String, ServiceProcesses> services) {

	/** Before the first sample. */
	public static final MonitorSnapshot NONE = new MonitorSnapshot(Instant.EPOCH, Map.of());

	public MonitorSnapshot {
		services = Collections.unmodifiableMap(new LinkedHashMap<>(services));
	}

	/**
	 * Return the processes of a service.
	 * @param service the service id, or {@value ProcessSampler#JVM}
	 * @return its processes, {@code null} if it was not sampled
	 */
	public @Nullable ServiceProcesses service(String service) {
		return this.services.get(service);
	}

}

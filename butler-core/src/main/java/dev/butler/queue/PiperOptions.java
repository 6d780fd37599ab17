package dev.butler.queue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

import dev.butler.service.DurationRange;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;

/**
 * Options of a {@link PiperService}, named as in Mentat's piper daemons and bound from the service's
 * prefix, e.g. {@code butler.services.enricher.queue-in-dir} or {@code ...queue_in_dir}. Plain
 * numbers for durations are seconds, as in Mentat.
 *
 * @param queueInDir the queue directory to consume; relative names resolve under
 * {@code butler.spool-dir}; the service id if not set
 * @param queueInWait how often to look for new messages when the directory cannot be watched, and as
 * a safety net when it can. If a duration suffix is not specified, seconds
 * will be used
 * @param queueInPerms permissions of queue directories created, as {@code 770} or {@code rwxrwx---};
 * the process's umask if not set
 * @param queueOutDir the queue to hand processed messages on to; none if not set
 * @param queueOutLimit the number of messages waiting in the next queue at which the service pauses
 * @param queueOutWait how long to pause when the next queue is full, or after a failed queue
 * operation, before trying again. If a duration suffix is not specified, seconds
 * will be used
 * @param maxAttempts how many times a message is processed before a failure banishes it
 * @param retryWait how long to wait before processing a failed message again. If a duration
 * suffix is not specified, seconds will be used
 * @param maxRecoveries how many times a message is taken back from consumers that ended without
 * finishing it (a crash, a kill) before it is banished instead, as it may be what ends them
 */
public record PiperOptions(@Nullable String queueInDir,
		@DefaultValue("30s") @DurationUnit(ChronoUnit.SECONDS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration queueInWait,
		@QueuePermissions @Nullable String queueInPerms, @Nullable String queueOutDir,
		@DefaultValue("10000") @Min(value = 1, message = "must be at least 1") int queueOutLimit,
		@DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration queueOutWait,
		@DefaultValue("1") @Min(value = 1, message = "must be at least 1") int maxAttempts,
		@DefaultValue("1s") @DurationUnit(ChronoUnit.SECONDS) @NotNull @DurationRange(min = "0s", minInclusive = false) Duration retryWait,
		@DefaultValue("3") @Min(value = 0, message = PiperOptions.MAX_RECOVERIES_MESSAGE) int maxRecoveries) {

	/**
	 * The message of a negative {@code max-recoveries}.
	 */
	public static final String MAX_RECOVERIES_MESSAGE = "must be 0 or more";

	/**
	 * Check what the constraints cannot: that the service does not hand messages on to the queue it
	 * consumes, which depends on the spool directory.
	 * @param context the service context, for property names and the spool directory
	 * @throws ServiceConfigurationException naming the option at fault
	 */
	public void validate(ServiceContext context) {
		if (this.queueOutDir != null && resolve(context, this.queueOutDir).equals(queueIn(context))) {
			throw new ServiceConfigurationException(context.propertyName("queue-out-dir"), this.queueOutDir,
					"must not be the queue the service consumes");
		}
	}

	/**
	 * Return the queue directory to consume.
	 * @param context the service context
	 * @return the absolute directory
	 */
	public Path queueIn(ServiceContext context) {
		return resolve(context, (this.queueInDir != null) ? this.queueInDir : context.serviceId());
	}

	/**
	 * Return the queue directory to hand messages on to.
	 * @param context the service context
	 * @return the absolute directory, {@code null} if none
	 */
	public @Nullable Path queueOut(ServiceContext context) {
		return (this.queueOutDir != null) ? resolve(context, this.queueOutDir) : null;
	}

	/**
	 * Return the permissions of queue directories created.
	 * @return the permissions, {@code null} for the umask
	 */
	public @Nullable Set<PosixFilePermission> permissions() {
		return permissions(this.queueInPerms);
	}

	/**
	 * Parse a {@code queue-in-perms} option, checked by {@link QueuePermissions}: the permissions of
	 * queue directories created.
	 * @param queueInPerms the option value, as {@code 770} or {@code rwxrwx---}
	 * @return the permissions, {@code null} for the umask if the option is not set
	 * @throws IllegalArgumentException if the value is neither form
	 */
	public static @Nullable Set<PosixFilePermission> permissions(@Nullable String queueInPerms) {
		return (queueInPerms != null) ? DirectoryQueue.parsePermissions(queueInPerms) : null;
	}

	/**
	 * Resolve a queue name: absolute paths stay, relative ones resolve under the spool directory.
	 * @param context the service context
	 * @param name the name or path
	 * @return the absolute directory
	 */
	public static Path resolve(ServiceContext context, String name) {
		return context.spoolDirectory().resolve(name).toAbsolutePath().normalize();
	}

}

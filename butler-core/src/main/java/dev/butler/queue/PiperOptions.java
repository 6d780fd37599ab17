package dev.butler.queue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Set;

import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationUnit;

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
public record PiperOptions(String queueInDir, @DefaultValue("30s") @DurationUnit(ChronoUnit.SECONDS) Duration queueInWait,
		String queueInPerms, String queueOutDir, @DefaultValue("10000") int queueOutLimit,
		@DefaultValue("10s") @DurationUnit(ChronoUnit.SECONDS) Duration queueOutWait,
		@DefaultValue("1") int maxAttempts, @DefaultValue("1s") @DurationUnit(ChronoUnit.SECONDS) Duration retryWait,
		@DefaultValue("3") int maxRecoveries) {

	/**
	 * Check the options.
	 * @param context the service context, for property names
	 * @throws ServiceConfigurationException naming the option at fault
	 */
	public void validate(ServiceContext context) {
		requirePositive(context, "queue-in-wait", this.queueInWait);
		requirePositive(context, "queue-out-wait", this.queueOutWait);
		requirePositive(context, "retry-wait", this.retryWait);
		if (this.queueOutLimit < 1) {
			throw new ServiceConfigurationException(context.propertyName("queue-out-limit"), this.queueOutLimit,
					"must be at least 1");
		}
		if (this.maxAttempts < 1) {
			throw new ServiceConfigurationException(context.propertyName("max-attempts"), this.maxAttempts,
					"must be at least 1");
		}
		requireMaxRecoveries(context, this.maxRecoveries);
		permissions(context);
		if (this.queueOutDir != null && resolve(context, this.queueOutDir).equals(queueIn(context))) {
			throw new ServiceConfigurationException(context.propertyName("queue-out-dir"), this.queueOutDir,
					"must not be the queue the service consumes");
		}
	}

	/**
	 * Check that a duration option, e.g. {@code queue-in-wait}, is positive.
	 * @param context the service context, for the property name
	 * @param option the option name
	 * @param value the option value
	 * @throws ServiceConfigurationException if it is zero or negative
	 */
	public static void requirePositive(ServiceContext context, String option, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new ServiceConfigurationException(context.propertyName(option), value, "must be positive");
		}
	}

	/**
	 * Check a {@code max-recoveries} option.
	 * @param context the service context, for the property name
	 * @param maxRecoveries the option value
	 * @throws ServiceConfigurationException if it is negative
	 */
	public static void requireMaxRecoveries(ServiceContext context, int maxRecoveries) {
		if (maxRecoveries < 0) {
			throw new ServiceConfigurationException(context.propertyName("max-recoveries"), maxRecoveries,
					"must be 0 or more");
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
	public Path queueOut(ServiceContext context) {
		return (this.queueOutDir != null) ? resolve(context, this.queueOutDir) : null;
	}

	/**
	 * Return the permissions of queue directories created.
	 * @param context the service context
	 * @return the permissions, {@code null} for the umask
	 */
	public Set<PosixFilePermission> permissions(ServiceContext context) {
		return permissions(context, this.queueInPerms);
	}

	/**
	 * Parse a {@code queue-in-perms} option: the permissions of queue directories created.
	 * @param context the service context, for the property name
	 * @param queueInPerms the option value, as {@code 770} or {@code rwxrwx---}
	 * @return the permissions, {@code null} for the umask if the option is not set
	 * @throws ServiceConfigurationException if the value is neither form
	 */
	public static Set<PosixFilePermission> permissions(ServiceContext context, String queueInPerms) {
		if (queueInPerms == null) {
			return null;
		}
		try {
			return DirectoryQueue.parsePermissions(queueInPerms);
		}
		catch (IllegalArgumentException ex) {
			throw new ServiceConfigurationException(context.propertyName("queue-in-perms"), queueInPerms,
					"expected octal digits such as 770 or a form such as rwxrwx---");
		}
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

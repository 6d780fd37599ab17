package dev.butler.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

/**
 * Options of a {@link WorkerPool}, given in code and checked with Bean Validation when the pool is
 * created; {@link #of(int)} gives Go srv's defaults.
 *
 * @param workers worker threads, at least 1
 * @param softCap queued tasks up to which work is always taken, at least {@code workers}
 * @param hardCap queued tasks past which work is never taken, at least {@code softCap}
 * @param drainTimeout how long the pool may run its queued work when the service stops, before it
 * drops what is still queued and reports what still runs; keep it below the service's
 * {@code stop-timeout}
 */
@WorkerPoolOptions.ValidCaps
public record WorkerPoolOptions(@Min(1) int workers, int softCap, int hardCap,
		@NotNull @DurationRange(min = "0s") Duration drainTimeout) {

	/**
	 * Default {@link #drainTimeout()}.
	 */
	public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Return options for {@code workers} threads with a soft cap of twice and a hard cap of four times
	 * as many queued tasks, as Go srv's default queue has, and the {@link #DEFAULT_DRAIN_TIMEOUT}.
	 * @param workers worker threads
	 * @return the options
	 */
	public static WorkerPoolOptions of(int workers) {
		return new WorkerPoolOptions(workers, 2 * workers, 4 * workers, DEFAULT_DRAIN_TIMEOUT);
	}

	/**
	 * Return these options with other caps.
	 * @param soft the soft cap
	 * @param hard the hard cap
	 * @return the options
	 */
	public WorkerPoolOptions withCaps(int soft, int hard) {
		return new WorkerPoolOptions(this.workers, soft, hard, this.drainTimeout);
	}

	/**
	 * Return these options with another drain timeout.
	 * @param timeout the drain timeout
	 * @return the options
	 */
	public WorkerPoolOptions withDrainTimeout(Duration timeout) {
		return new WorkerPoolOptions(this.workers, this.softCap, this.hardCap, timeout);
	}

	/**
	 * Check the options against their constraints.
	 * @throws IllegalArgumentException naming the option at fault, e.g.
	 * {@code 'hard_cap' must not be less than 'soft_cap' (8), got 4}
	 */
	public void validate() {
		OptionConstraints.requireValid(this, "");
	}

	/**
	 * The caps of a {@link WorkerPoolOptions} must hold the workers' worth of work: the soft cap at
	 * least the workers, the hard cap at least the soft cap. The violation names the cap at fault.
	 */
	@Documented
	@Constraint(validatedBy = ValidCaps.Validator.class)
	@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
	@Retention(RetentionPolicy.RUNTIME)
	public @interface ValidCaps {

		/**
		 * The message, unused: the violation says which cap is below what.
		 * @return the message
		 */
		String message() default "caps must not be less than the workers";

		/**
		 * The groups.
		 * @return the groups
		 */
		Class<?>[] groups() default {};

		/**
		 * The payload.
		 * @return the payload
		 */
		Class<? extends Payload>[] payload() default {};

		/**
		 * Checks a {@link ValidCaps}.
		 */
		class Validator implements ConstraintValidator<ValidCaps, WorkerPoolOptions> {

			@Override
			public boolean isValid(@Nullable WorkerPoolOptions options, ConstraintValidatorContext context) {
				if (options == null) {
					return true;
				}
				if (options.softCap() < options.workers()) {
					return violation(context, "softCap", "workers", options.workers(), options.softCap());
				}
				if (options.hardCap() < options.softCap()) {
					return violation(context, "hardCap", "soft_cap", options.softCap(), options.hardCap());
				}
				return true;
			}

			private static boolean violation(ConstraintValidatorContext context, String cap, String floorName,
					int floor, int value) {
				context.disableDefaultConstraintViolation();
				context
					.buildConstraintViolationWithTemplate(OptionConstraints
						.literal("must not be less than '" + floorName + "' (" + floor + "), got " + value))
					.addPropertyNode(cap)
					.addConstraintViolation();
				return false;
			}

		}

	}

}

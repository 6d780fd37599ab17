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
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * The annotated {@link Duration} must lie in a range; {@code null} is valid. Bounds are written as
 * in properties ({@code 100ms}, {@code 655s}) or in ISO-8601. Unless a message is given, it says the
 * range: {@code must be positive}, {@code must not be negative}, {@code must be between 100 ms and
 * 655 s}.
 */
@Documented
@Constraint(validatedBy = DurationRange.Validator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE,
		ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface DurationRange {

	/**
	 * The least duration, none if empty.
	 * @return the least duration
	 */
	String min() default "";

	/**
	 * Whether {@link #min()} itself is in the range.
	 * @return whether the least duration is valid
	 */
	boolean minInclusive() default true;

	/**
	 * The greatest duration, inclusive, none if empty.
	 * @return the greatest duration
	 */
	String max() default "";

	/**
	 * The message, the range in words if empty.
	 * @return the message
	 */
	String message() default "";

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
	 * Checks a {@link DurationRange}.
	 */
	class Validator implements ConstraintValidator<DurationRange, Duration> {

		private @Nullable Duration min;

		private boolean minInclusive;

		private @Nullable Duration max;

		private String message;

		@Override
		public void initialize(DurationRange range) {
			this.min = range.min().isEmpty() ? null : DurationStyle.detectAndParse(range.min());
			this.minInclusive = range.minInclusive();
			this.max = range.max().isEmpty() ? null : DurationStyle.detectAndParse(range.max());
			this.message = range.message().isEmpty() ? describe() : range.message();
		}

		@Override
		public boolean isValid(@Nullable Duration value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			int belowMin = (this.min != null) ? value.compareTo(this.min) : 1;
			boolean valid = (this.minInclusive ? belowMin >= 0 : belowMin > 0)
					&& (this.max == null || value.compareTo(this.max) <= 0);
			if (!valid) {
				context.disableDefaultConstraintViolation();
				context.buildConstraintViolationWithTemplate(this.message).addConstraintViolation();
			}
			return valid;
		}

		private String describe() {
			if (this.min != null && this.max != null) {
				return "must be between " + words(this.min) + " and " + words(this.max);
			}
			if (this.max != null) {
				return "must be at most " + words(this.max);
			}
			if (this.min != null && this.min.isZero()) {
				return this.minInclusive ? "must not be negative" : "must be positive";
			}
			if (this.min != null) {
				return (this.minInclusive ? "must be at least " : "must be more than ") + words(this.min);
			}
			return "";
		}

		private static String words(Duration duration) {
			return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
		}

	}

}

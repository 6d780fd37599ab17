package dev.butler.standard.binary;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.jspecify.annotations.Nullable;

/**
 * The annotated {@code block_size} must be positive, or -1 for blocks stored after their length;
 * {@code null} is valid.
 */
@Documented
@Constraint(validatedBy = BlockSize.Validator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE,
		ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface BlockSize {

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "must be positive, or -1 for blocks stored after their length";

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
	 * Checks a {@link BlockSize}.
	 */
	class Validator implements ConstraintValidator<BlockSize, Integer> {

		@Override
		public boolean isValid(@Nullable Integer value, ConstraintValidatorContext context) {
			return value == null || value > 0 || value == -1;
		}

	}

}

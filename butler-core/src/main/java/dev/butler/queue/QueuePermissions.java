package dev.butler.queue;

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
 * The annotated text must give permissions of queue directories as {@code 770} or
 * {@code rwxrwx---}; {@code null} is valid.
 */
@Documented
@Constraint(validatedBy = QueuePermissions.Validator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE,
		ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface QueuePermissions {

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "expected octal digits such as 770 or a form such as rwxrwx---";

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
	 * Checks a {@link QueuePermissions}.
	 */
	class Validator implements ConstraintValidator<QueuePermissions, String> {

		@Override
		public boolean isValid(@Nullable String value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			try {
				DirectoryQueue.parsePermissions(value);
				return true;
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
		}

	}

}

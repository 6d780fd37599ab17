package dev.butler.standard.command;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import dev.butler.standard.command.CommandService.ReadyWhen;

/**
 * A {@link CommandService.Config} sets {@code ready-line} exactly when {@code ready-when} is
 * {@code line}, and {@code ready-port} exactly when it is {@code port}. The violation names the
 * option that is missing or set for nothing.
 */
@Documented
@Constraint(validatedBy = ReadyWhenOptions.Validator.class)
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
public @interface ReadyWhenOptions {

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "does not fit ready-when";

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
	 * Checks a {@link ReadyWhenOptions}.
	 */
	class Validator implements ConstraintValidator<ReadyWhenOptions, CommandService.Config> {

		@Override
		public boolean isValid(CommandService.Config config, ConstraintValidatorContext context) {
			if (config == null || config.readyWhen() == null) {
				return true;
			}
			boolean valid = check(config.readyWhen() == ReadyWhen.LINE, config.readyLine() != null, "readyLine", "line",
					context);
			return check(config.readyWhen() == ReadyWhen.PORT, config.readyPort() != null, "readyPort", "port", context)
					&& valid;
		}

		private static boolean check(boolean required, boolean set, String option, String readyWhen,
				ConstraintValidatorContext context) {
			if (required == set) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context
				.buildConstraintViolationWithTemplate(
						required ? "required with ready-when=" + readyWhen : "applies only with ready-when=" + readyWhen)
				.addPropertyNode(option)
				.addConstraintViolation();
			return false;
		}

	}

}

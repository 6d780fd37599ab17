package dev.butler.standard.text;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.jspecify.annotations.Nullable;

import dev.butler.service.OptionConstraints;

/**
 * The annotated text must be a Java regular expression; {@code null} is valid.
 */
@Documented
@Constraint(validatedBy = ValidRegex.Validator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE,
		ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidRegex {

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "not a Java regular expression";

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
	 * Checks a {@link ValidRegex}.
	 */
	class Validator implements ConstraintValidator<ValidRegex, String> {

		@Override
		public boolean isValid(@Nullable String value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			try {
				Pattern.compile(value);
				return true;
			}
			catch (PatternSyntaxException ex) {
				context.disableDefaultConstraintViolation();
				context.buildConstraintViolationWithTemplate(OptionConstraints.literal(
						"not a Java regular expression: " + ex.getDescription() + " near index " + ex.getIndex()))
					.addConstraintViolation();
				return false;
			}
		}

	}

}

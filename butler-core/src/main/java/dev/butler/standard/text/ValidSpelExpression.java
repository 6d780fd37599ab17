package dev.butler.standard.text;

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

import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;

import dev.butler.service.OptionConstraints;

/**
 * The annotated text must be a SpEL expression; {@code null} is valid, blank is not.
 */
@Documented
@Constraint(validatedBy = ValidSpelExpression.Validator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE,
		ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidSpelExpression {

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "not a SpEL expression";

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
	 * Checks a {@link ValidSpelExpression}.
	 */
	class Validator implements ConstraintValidator<ValidSpelExpression, String> {

		private static final SpelExpressionParser PARSER = new SpelExpressionParser();

		@Override
		public boolean isValid(@Nullable String value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			String problem;
			try {
				if (value.isBlank()) {
					throw new ParseException(0, "the expression is empty");
				}
				PARSER.parseExpression(value);
				return true;
			}
			catch (ParseException ex) {
				problem = ex.getMessage();
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate(OptionConstraints.literal("not a SpEL expression: " + problem))
				.addConstraintViolation();
			return false;
		}

	}

}

package dev.butler.standard.text;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TextLineFilterConfig} must define its filter with exactly one of {@code regex},
 * {@code expr} and {@code func}. The violation names the first option too many, or {@code regex}
 * when none is set.
 */
@Documented
@Constraint(validatedBy = OneFilter.Validator.class)
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
public @interface OneFilter {

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "exactly one of 'regex', 'expr' and 'func' must define the filter";

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
	 * Checks a {@link OneFilter}.
	 */
	class Validator implements ConstraintValidator<OneFilter, TextLineFilterConfig> {

		@Override
		public boolean isValid(@Nullable TextLineFilterConfig config, ConstraintValidatorContext context) {
			if (config == null) {
				return true;
			}
			List<String> defined = new ArrayList<>();
			if (config.regex() != null) {
				defined.add("regex");
			}
			if (config.expr() != null) {
				defined.add("expr");
			}
			if (config.func() != null) {
				defined.add("func");
			}
			if (defined.size() == 1) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate("{message}, but "
					+ (defined.isEmpty() ? "none is set" : String.join(" and ", defined) + " are set"))
				.addPropertyNode(defined.isEmpty() ? "regex" : defined.get(1))
				.addConstraintViolation();
			return false;
		}

	}

}

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

import dev.butler.service.OptionConstraints;

/**
 * The annotated text must be a text format the text services take: {@code text/plain} with a known
 * {@code charset} and {@code errors}; {@code null} is valid. The message says what is wrong with it.
 */
@Documented
@Constraint(validatedBy = ValidTextFormat.Validator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE,
		ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidTextFormat {

	/**
	 * Whether the format's charset must also encode, for text the service writes.
	 * @return whether the charset must encode
	 */
	boolean encodable() default false;

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "not a text format";

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
	 * Checks a {@link ValidTextFormat}.
	 */
	class Validator implements ConstraintValidator<ValidTextFormat, String> {

		private boolean encodable;

		@Override
		public void initialize(ValidTextFormat constraint) {
			this.encodable = constraint.encodable();
		}

		@Override
		public boolean isValid(@Nullable String value, ConstraintValidatorContext context) {
			if (value == null) {
				return true;
			}
			try {
				TextFormat format = TextFormat.parse(value);
				if (this.encodable) {
					format.requireEncoding();
				}
				return true;
			}
			catch (IllegalArgumentException ex) {
				context.disableDefaultConstraintViolation();
				context.buildConstraintViolationWithTemplate(OptionConstraints.literal(TextSupport.messageOf(ex)))
					.addConstraintViolation();
				return false;
			}
		}

	}

}

package dev.butler.pipe;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

import dev.butler.service.OptionConstraints;

/**
 * A record of pipe options must give a pipe's format when the pipe connects: the client names
 * the data format in OPEN. The violation names the format option.
 */
@Documented
@Constraint(validatedBy = PipeFormatRequired.Validator.class)
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Repeatable(PipeFormatRequired.List.class)
public @interface PipeFormatRequired {

	/**
	 * The record component that holds the {@link PipeMode}.
	 * @return the name of the mode
	 */
	String mode() default "pipeMode";

	/**
	 * The record component that holds the format.
	 * @return the name of the format
	 */
	String format() default "pipeFormat";

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "is required for CONNECT pipe mode";

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
	 * Several pipes of one record.
	 */
	@Documented
	@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
	@Retention(RetentionPolicy.RUNTIME)
	@interface List {

		/**
		 * The constraints.
		 * @return the constraints
		 */
		PipeFormatRequired[] value();

	}

	/**
	 * Checks a {@link PipeFormatRequired}.
	 */
	class Validator implements ConstraintValidator<PipeFormatRequired, Record> {

		private String mode;

		private String format;

		private String message;

		@Override
		public void initialize(PipeFormatRequired constraint) {
			this.mode = constraint.mode();
			this.format = constraint.format();
			this.message = constraint.message();
		}

		@Override
		public boolean isValid(@Nullable Record options, ConstraintValidatorContext context) {
			if (options == null || OptionConstraints.component(options, this.mode) != PipeMode.CONNECT
					|| StringUtils.hasText((String) OptionConstraints.component(options, this.format))) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate(this.message)
				.addPropertyNode(this.format)
				.addConstraintViolation();
			return false;
		}


	}

}

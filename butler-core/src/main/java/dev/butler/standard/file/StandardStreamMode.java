package dev.butler.standard.file;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import org.jspecify.annotations.Nullable;

import dev.butler.service.OptionConstraints;

/**
 * A writer's options must not ask for a {@code file_mode} other than {@code WRITE} when the
 * {@code filename} is {@code stdout} or {@code stderr}: the annotated record's {@code filename} and
 * {@code fileMode} components are checked, and the violation names {@code fileMode} and the
 * stream, e.g. {@code 'stdout' supports only file mode WRITE}.
 */
@Documented
@Constraint(validatedBy = StandardStreamMode.Validator.class)
@Target({ ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
public @interface StandardStreamMode {

	/**
	 * The message.
	 * @return the message
	 */
	String message() default "supports only file mode WRITE";

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
	 * Checks a {@link StandardStreamMode}.
	 */
	class Validator implements ConstraintValidator<StandardStreamMode, Record> {

		@Override
		public boolean isValid(@Nullable Record options, ConstraintValidatorContext context) {
			if (options == null) {
				return true;
			}
			Object filename = OptionConstraints.component(options, "filename");
			String stream = (filename instanceof String name) ? name.toLowerCase(Locale.ROOT) : "";
			Object mode = OptionConstraints.component(options, "fileMode");
			if (!(stream.equals("stdout") || stream.equals("stderr")) || mode == null || mode == FileOpenMode.WRITE) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate("'" + stream + "' {message}")
				.addPropertyNode("fileMode")
				.addConstraintViolation();
			return false;
		}

	}

}

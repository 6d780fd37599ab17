package dev.butler.service;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.HibernateValidator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;

/**
 * The Bean Validation of options where the application has no validator: options bound without
 * one, and options given in code (e.g. {@code new PipeOptions(...)}). Hibernate Validator with
 * parameter interpolation only ({@code {value}}), so no Expression Language implementation is
 * needed.
 */
public final class OptionConstraints {

	private OptionConstraints() {
	}

	/**
	 * Return the shared validator.
	 * @return the validator
	 */
	public static Validator validator() {
		return Holder.VALIDATOR;
	}

	/**
	 * Check options given in code against their constraints.
	 * @param <T> the options type
	 * @param options the options, usually a record
	 * @param prefix put before option names, e.g. {@code input_}
	 * @return the options
	 * @throws IllegalArgumentException naming the first option at fault as Saturnin names it, e.g.
	 * {@code 'input_peer_timeout' must be between 100 ms and 655 s, got PT10M56S}
	 */
	public static <T> T requireValid(T options, String prefix) {
		Set<ConstraintViolation<T>> violations = validator().validate(options);
		if (violations.isEmpty()) {
			return options;
		}
		List<String> order = components(options.getClass());
		ConstraintViolation<T> first = violations.stream()
			.min(Comparator.comparingInt((ConstraintViolation<T> violation) -> rank(order, property(violation)))
				.thenComparing((violation) -> violation.getMessage()))
			.orElseThrow();
		String property = property(first);
		Object value = order.contains(property) ? first.getInvalidValue() : null;
		String name = DataObjectPropertyName.toDashedForm(property).replace('-', '_');
		boolean shown = value != null && !(value instanceof CharSequence text && text.toString().isBlank())
				&& value != options;
		throw new IllegalArgumentException(
				"'" + prefix + name + "' " + first.getMessage() + (shown ? ", got " + value : ""));
	}

	/**
	 * Return a text as a message template that reads as the text itself, for messages of custom
	 * constraints that quote a value: braces, dollar signs and backslashes are escaped.
	 * @param text the text
	 * @return the template
	 */
	public static String literal(String text) {
		StringBuilder template = new StringBuilder(text.length());
		for (char ch : text.toCharArray()) {
			if (ch == '{' || ch == '}' || ch == '$' || ch == '\\') {
				template.append('\\');
			}
			template.append(ch);
		}
		return template.toString();
	}

	/**
	 * Return the value of a record's component, for class-level constraints that compare options.
	 * @param options the options record
	 * @param name the component's name, e.g. {@code pipeMode}
	 * @return the value
	 * @throws IllegalStateException if the record has no such component or it cannot be read
	 */
	public static Object component(Record options, String name) {
		for (RecordComponent component : options.getClass().getRecordComponents()) {
			if (component.getName().equals(name)) {
				try {
					component.getAccessor().trySetAccessible();
					return component.getAccessor().invoke(options);
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException("Cannot read '" + name + "' of " + options.getClass(), ex);
				}
			}
		}
		throw new IllegalStateException(options.getClass() + " has no component '" + name + "'");
	}

	private static String property(ConstraintViolation<?> violation) {
		String property = "";
		for (Path.Node node : violation.getPropertyPath()) {
			if (node.getName() != null) {
				property = node.getName();
				break;
			}
		}
		return property;
	}

	private static int rank(List<String> order, String property) {
		int index = order.indexOf(property);
		return (index >= 0) ? index : order.size();
	}

	private static List<String> components(Class<?> type) {
		return type.isRecord() ? Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList()
				: List.of();
	}

	private static final class Holder {

		static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class)
			.configure()
			.messageInterpolator(new ParameterMessageInterpolator())
			.buildValidatorFactory()
			.getValidator();

	}

}

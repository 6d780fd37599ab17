package dev.butler.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.core.env.Environment;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.Validator;

import dev.butler.component.ServiceConfigBinder;
import dev.butler.component.ServiceDefinition;
import dev.butler.service.ServiceConfigurationException;

/**
 * Binds a service's configuration from {@code butler.services.<id>.*} with Spring Boot's
 * {@link Binder}, so relaxed names, conversions and {@code @DefaultValue} work as for
 * {@code @ConfigurationProperties}, and validates it when a validator is available.
 */
final class BinderServiceConfigBinder implements ServiceConfigBinder {

	private final Environment environment;

	private final Validator validator;

	BinderServiceConfigBinder(Environment environment, Validator validator) {
		this.environment = environment;
		this.validator = validator;
	}

	@Override
	public Object bind(ServiceDefinition definition, Class<?> type) {
		if (type == Void.class) {
			return null;
		}
		BindHandler handler = new IgnoreTopLevelConverterNotFoundBindHandler();
		if (this.validator != null) {
			handler = new ValidationBindHandler(handler, this.validator);
		}
		try {
			return Binder.get(this.environment)
				.bindOrCreate(definition.configPrefix(), Bindable.of(type), handler);
		}
		catch (BindException ex) {
			throw translate(definition, ex);
		}
	}

	private ServiceConfigurationException translate(ServiceDefinition definition, BindException ex) {
		if (ex.getCause() instanceof BindValidationException validation) {
			List<String> problems = new ArrayList<>();
			String property = null;
			Object value = null;
			for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
				String name = validation.getValidationErrors().getName() + "."
						+ ((error instanceof FieldError field) ? dashed(field.getField()) : error.getObjectName());
				Object rejected = (error instanceof FieldError field) ? field.getRejectedValue() : null;
				if (property == null) {
					property = name;
					value = rejected;
				}
				else {
					problems.add("'" + name + "' = '" + rejected + "': " + error.getDefaultMessage());
				}
				if (problems.isEmpty() && property.equals(name)) {
					problems.add(error.getDefaultMessage());
				}
			}
			return new ServiceConfigurationException(property, value, String.join("; ", problems), ex);
		}
		ConfigurationProperty property = ex.getProperty();
		String name = (property != null) ? property.getName().toString() : ex.getName().toString();
		Object value = (property != null) ? property.getValue() : null;
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return new ServiceConfigurationException(name, value,
				"cannot bind to " + ex.getTarget().getType() + " of service '" + definition.id() + "' ("
						+ root.getMessage() + ")",
				ex);
	}

	private static String dashed(String field) {
		StringBuilder result = new StringBuilder();
		for (char ch : field.toCharArray()) {
			if (Character.isUpperCase(ch)) {
				result.append('-').append(Character.toLowerCase(ch));
			}
			else {
				result.append(ch);
			}
		}
		return result.toString();
	}

}

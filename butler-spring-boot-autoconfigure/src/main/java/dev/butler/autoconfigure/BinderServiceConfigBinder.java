package dev.butler.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;

import dev.butler.autoconfigure.ButlerProperties.UnknownPropertyAction;
import dev.butler.runtime.ServiceConfigBinder;
import dev.butler.runtime.ServiceDefinition;
import dev.butler.service.ServiceConfigurationException;

/**
 * Binds a service's configuration from {@code butler.services.<id>.*} with Spring Boot's
 * {@link Binder}, so relaxed names, conversions and {@code @DefaultValue} work as for
 * {@code @ConfigurationProperties}, and validates it when a validator is available. Remembers
 * the names each service's binds read, to find properties under its prefix that none of them
 * reads.
 */
final class BinderServiceConfigBinder implements ServiceConfigBinder {

	private static final Log logger = LogFactory.getLog(BinderServiceConfigBinder.class);

	private final Environment environment;

	private final Validator validator;

	private final UnknownPropertyAction onUnknownProperty;

	private final ServicePropertyNames names = new ServicePropertyNames();

	BinderServiceConfigBinder(Environment environment, Validator validator, UnknownPropertyAction onUnknownProperty) {
		this.environment = environment;
		this.validator = validator;
		this.onUnknownProperty = onUnknownProperty;
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
				.bindOrCreate(ServicePropertyNames.prefix(definition.id()), Bindable.of(type),
						this.names.recording(definition.id(), handler));
		}
		catch (BindException ex) {
			throw translate(definition, ex);
		}
	}

	@Override
	public void checkUnknownOptions(ServiceDefinition definition) {
		try {
			// The runtime options of ButlerProperties.Service share the prefix
			Binder.get(this.environment)
				.bindOrCreate(ServicePropertyNames.prefix(definition.id()), Bindable.of(ButlerProperties.Service.class),
						this.names.recording(definition.id(), BindHandler.DEFAULT));
		}
		catch (BindException ex) {
			// already reported when ButlerProperties was bound
		}
		this.names.check(this.environment, definition.id(), this.onUnknownProperty, logger);
	}

	private ServiceConfigurationException translate(ServiceDefinition definition, BindException ex) {
		if (ex.getCause() instanceof BindValidationException validation) {
			List<String> problems = new ArrayList<>();
			String property = null;
			Object value = null;
			for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
				String name = validation.getValidationErrors().getName() + "." + ((error instanceof FieldError field)
						? DataObjectPropertyName.toDashedForm(field.getField()) : error.getObjectName());
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

}

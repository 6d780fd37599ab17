package dev.butler.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.Validator;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

import dev.butler.runtime.BoundConfiguration;
import dev.butler.runtime.ServiceConfigBinder;
import dev.butler.runtime.ServiceDefinition;
import dev.butler.service.OptionConstraints;
import dev.butler.service.ServiceConfigurationException;

/**
 * Binds a service's configuration and option types from {@code butler.services.<id>.*} with Spring Boot's
 * {@link Binder}, so relaxed names, conversions and {@code @DefaultValue} work as for
 * {@code @ConfigurationProperties}, and always validates them: with the application's validator if it
 * has one, else with {@link OptionConstraints#validator() one of its own}. Remembers the names each
 * service's binds read, to find properties under its prefix that none of them reads.
 */
public final class BinderServiceConfigBinder implements ServiceConfigBinder {

	private static final Log logger = LogFactory.getLog(BinderServiceConfigBinder.class);

	private final Environment environment;

	private final @Nullable Class<?> runtimeKeys;

	private final Validator validator;

	private final UnknownPropertyAction onUnknownProperty;

	private final ServicePropertyNames names = new ServicePropertyNames();

	/**
	 * Create a binder.
	 * @param environment the environment to bind from
	 * @param runtimeKeys the type that binds the runtime keys the application reads under each
	 * service's prefix (e.g. {@code agent}, {@code optional}), so that they count as known; {@code null}
	 * for none
	 * @param validator the application's validator, {@code null} to validate with a validator of the
	 * binder's own
	 * @param onUnknownProperty what to do with a property under a service's prefix that nothing reads
	 */
	public BinderServiceConfigBinder(Environment environment, @Nullable Class<?> runtimeKeys,
			jakarta.validation.@Nullable Validator validator, UnknownPropertyAction onUnknownProperty) {
		this.environment = environment;
		this.runtimeKeys = runtimeKeys;
		this.validator = new SpringValidatorAdapter((validator != null) ? validator : OptionConstraints.validator());
		this.onUnknownProperty = onUnknownProperty;
	}

	@Override
	public BoundConfiguration bind(ServiceDefinition definition) {
		ConfigurationPropertyName prefix = ServicePropertyNames.prefix(definition.id());
		Binder binder = binder(prefix, definition.service().optionDefaults());
		BindHandler handler = this.names.recording(definition.id(), validating());
		Object config = (definition.configType() != Void.class)
				? bind(binder, prefix, definition.configType(), handler, definition) : null;
		Map<Class<?>, Object> options = new LinkedHashMap<>();
		for (Class<?> type : definition.service().optionTypes()) {
			options.put(type, bind(binder, prefix, type, handler, definition));
		}
		checkUnknownOptions(binder, prefix, definition);
		return new BoundConfiguration(config, options);
	}

	/**
	 * A binder over the environment, with a service's option defaults under everything that is set.
	 */
	private Binder binder(ConfigurationPropertyName prefix, Map<String, Object> defaults) {
		List<ConfigurationPropertySource> sources = new ArrayList<>();
		ConfigurationPropertySources.get(this.environment).forEach(sources::add);
		if (!defaults.isEmpty()) {
			Map<String, Object> prefixed = new LinkedHashMap<>();
			defaults.forEach((name, value) -> prefixed.put(prefix + "." + name, value));
			sources.add(new MapConfigurationPropertySource(prefixed));
		}
		return new Binder(sources, new PropertySourcesPlaceholdersResolver(this.environment));
	}

	private BindHandler validating() {
		return new ValidationBindHandler(new IgnoreTopLevelConverterNotFoundBindHandler(), this.validator);
	}

	private Object bind(Binder binder, ConfigurationPropertyName prefix, Class<?> type, BindHandler handler,
			ServiceDefinition definition) {
		try {
			return binder.bindOrCreate(prefix, Bindable.of(type), handler);
		}
		catch (BindException ex) {
			throw translate(definition, ex);
		}
	}

	/**
	 * Check that nothing under the prefix went unread by the binds so far and by the runtime keys,
	 * which share the prefix.
	 */
	private void checkUnknownOptions(Binder binder, ConfigurationPropertyName prefix, ServiceDefinition definition) {
		if (this.runtimeKeys != null) {
			try {
				binder.bind(prefix, Bindable.of(this.runtimeKeys), this.names.recording(definition.id(), BindHandler.DEFAULT));
			}
			catch (BindException ex) {
				// the application reports its own keys' errors where it binds them
			}
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
			String at = (property != null) ? property : validation.getValidationErrors().getName().toString();
			return new ServiceConfigurationException(at, value, String.join("; ", problems), ex);
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

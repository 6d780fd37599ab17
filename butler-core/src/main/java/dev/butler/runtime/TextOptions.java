package dev.butler.runtime;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DataObjectPropertyName;

/**
 * The text options of bound options, where addresses are found: the string components of a
 * record, e.g. a service's configuration or its {@code PipeOptions}. Other types are not looked
 * into.
 */
final class TextOptions {

	private TextOptions() {
	}

	/**
	 * Return the text options of bound options.
	 * @param options the bound options, may be {@code null}
	 * @return the values by dashed option name, e.g. {@code pipe-address}, in declaration order;
	 * empty for anything but a record
	 */
	static Map<String, String> of(@Nullable Object options) {
		Map<String, String> values = new LinkedHashMap<>();
		if (options == null || !options.getClass().isRecord()) {
			return values;
		}
		for (RecordComponent component : options.getClass().getRecordComponents()) {
			if (component.getType() == String.class) {
				values.put(DataObjectPropertyName.toDashedForm(component.getName()), valueOf(component, options));
			}
		}
		return values;
	}

	private static @Nullable String valueOf(RecordComponent component, Object record) {
		try {
			component.getAccessor().setAccessible(true);
			return (String) component.getAccessor().invoke(record);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}

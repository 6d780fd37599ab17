package dev.butler.actuate.endpoint;

import java.beans.PropertyDescriptor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.convert.DurationStyle;

/**
 * The options bound from a component's configuration prefix, as property names (relative to the
 * prefix, dashed as in {@code application.properties}) and values.
 */
final class BoundOptions {

	private BoundOptions() {
	}

	/**
	 * Flatten bound objects into properties; a name bound twice keeps its first value and
	 * {@code null} values are left out.
	 * @param bound the bound objects
	 * @return the values by dashed property name, nested names joined with {@code .}
	 */
	static Map<String, Object> properties(List<Object> bound) {
		Map<String, Object> properties = new LinkedHashMap<>();
		for (Object object : bound) {
			flatten("", object, properties);
		}
		return properties;
	}

	private static void flatten(String path, @Nullable Object value, Map<String, Object> properties) {
		if (value == null) {
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, item) -> flatten(path + key + ".", item, properties));
			return;
		}
		if (!isNested(value.getClass())) {
			properties.putIfAbsent(path.substring(0, Math.max(0, path.length() - 1)), render(value));
			return;
		}
		for (Property property : propertiesOf(value.getClass())) {
			Object item = property.value().apply(value);
			if (item != null && (item instanceof Map || isNested(item.getClass()))) {
				flatten(path + property.name() + ".", item, properties);
			}
			else if (item != null) {
				properties.putIfAbsent(path + property.name(), render(item));
			}
		}
	}

	private static Object render(Object value) {
		if (value instanceof Duration duration) {
			return print(duration);
		}
		if (value instanceof Enum<?> constant) {
			return constant.name();
		}
		if (value instanceof Collection<?> items) {
			return items.stream().map((item) -> (item != null) ? render(item) : null).toList();
		}
		if (value instanceof Object[] items) {
			return render(Arrays.asList(items));
		}
		if (value instanceof String || value instanceof Number || value instanceof Boolean) {
			return value;
		}
		return value.toString();
	}

	/** In the largest unit that states it exactly, as it would be written: {@code 10s}, {@code 1500ms}. */
	private static String print(Duration duration) {
		for (ChronoUnit unit : List.of(ChronoUnit.DAYS, ChronoUnit.HOURS, ChronoUnit.MINUTES, ChronoUnit.SECONDS,
				ChronoUnit.MILLIS)) {
			if (!duration.isZero() && duration.truncatedTo(unit).equals(duration)) {
				return DurationStyle.SIMPLE.print(duration, unit);
			}
		}
		return DurationStyle.SIMPLE.print(duration, duration.isZero() ? ChronoUnit.SECONDS : ChronoUnit.NANOS);
	}

	/** Records and JavaBeans of the application, whose properties bind one by one. */
	private static boolean isNested(Class<?> type) {
		if (type.isEnum() || type.isPrimitive() || type.isArray() || isPlatform(type)) {
			return false;
		}
		return type.isRecord() || !propertiesOf(type).isEmpty();
	}

	private static boolean isPlatform(Class<?> type) {
		String name = type.getName();
		return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jakarta.")
				|| name.startsWith("org.springframework.");
	}

	private static List<Property> propertiesOf(Class<?> type) {
		List<Property> properties = new ArrayList<>();
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				String name = DataObjectPropertyName.toDashedForm(component.getName());
				properties.add(new Property(name, component.getType(), (target) -> invoke(component.getAccessor(), target)));
			}
			return properties;
		}
		if (isPlatform(type) || type.isEnum()) {
			return properties;
		}
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() != null && descriptor.getWriteMethod() != null) {
				String name = DataObjectPropertyName.toDashedForm(descriptor.getName());
				properties.add(new Property(name, descriptor.getPropertyType(),
						(target) -> invoke(descriptor.getReadMethod(), target)));
			}
		}
		return properties;
	}

	private static @Nullable Object invoke(java.lang.reflect.Method accessor, Object target) {
		try {
			accessor.trySetAccessible();
			return accessor.invoke(target);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

	private record Property(String name, Class<?> type, Function<Object, @Nullable Object> value) {

	}

}

package dev.butler.protocol.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;

import com.google.protobuf.ByteString;
import org.jspecify.annotations.Nullable;

import dev.butler.protocol.proto.ConfigProto;
import dev.butler.protocol.proto.Value;

/**
 * Converts between plain Java maps and {@code firebird.base.ConfigProto}, the configuration
 * message of firebird-base carried by ICCP REQUEST/CONF.
 * <p>
 * Java to protobuf: {@code String} → {@code as_string}, {@code Boolean} → {@code as_bool},
 * {@code Integer}/{@code Short}/{@code Byte} → {@code as_sint32}, {@code Long} →
 * {@code as_sint64}, {@code Float} → {@code as_float}, {@code Double}/{@code BigDecimal} →
 * {@code as_double}, {@code byte[]} → {@code as_bytes}, an enum → {@code as_string} of its name,
 * {@code Duration} → {@code as_string} in ISO-8601, a collection of such scalars →
 * {@code as_string} joined with {@code ","} (as Saturnin's list options read them), and a nested
 * {@code Map} → an entry of {@code configs}. {@code null} values are left out.
 */
public final class ConfigProtoMapper {

	private static final String LIST_SEPARATOR = ",";

	private ConfigProtoMapper() {
	}

	/**
	 * Convert a map of options and nested configurations to a {@code ConfigProto}.
	 * @param config option values and nested configurations (as maps) by name
	 * @return the protobuf message
	 * @throws IllegalArgumentException if a value has an unsupported type
	 */
	public static ConfigProto toProto(Map<String, ?> config) {
		Objects.requireNonNull(config, "'config' must not be null");
		return toProto("", config);
	}

	/**
	 * Convert a {@code ConfigProto} to a map: options first, then nested configurations as
	 * maps, each group sorted by name. {@code as_uint32} and {@code as_uint64} become
	 * {@code Long} ({@code as_uint64} above {@link Long#MAX_VALUE} wraps, read it with
	 * {@link Long#toUnsignedString(long)}), {@code as_bytes} becomes {@code byte[]} and
	 * {@code as_msg} stays a {@link com.google.protobuf.Any}.
	 * @param proto the protobuf message
	 * @return a new mutable map
	 * @throws IllegalArgumentException if an option has no value, or a name is used by both an
	 * option and a nested configuration
	 */
	public static Map<String, Object> toMap(ConfigProto proto) {
		Objects.requireNonNull(proto, "'proto' must not be null");
		return toMap("", proto);
	}

	private static ConfigProto toProto(String path, Map<?, ?> config) {
		ConfigProto.Builder builder = ConfigProto.newBuilder();
		config.forEach((key, value) -> {
			if (!(key instanceof String name)) {
				String where = path.isEmpty() ? "" : " in '" + path + "'";
				throw new IllegalArgumentException(
						"Configuration keys must be strings, got " + describeType(key) + " key '" + key + "'" + where);
			}
			String qualified = qualify(path, name);
			if (value instanceof Map<?, ?> nested) {
				builder.putConfigs(name, toProto(qualified, nested));
			}
			else if (value != null) {
				builder.putOptions(name, toValue(qualified, value));
			}
		});
		return builder.build();
	}

	private static Value toValue(String key, Object value) {
		Value.Builder builder = Value.newBuilder();
		if (value instanceof String string) {
			return builder.setAsString(string).build();
		}
		if (value instanceof Boolean bool) {
			return builder.setAsBool(bool).build();
		}
		if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
			return builder.setAsSint32(((Number) value).intValue()).build();
		}
		if (value instanceof Long number) {
			return builder.setAsSint64(number).build();
		}
		if (value instanceof Float number) {
			return builder.setAsFloat(number).build();
		}
		if (value instanceof Double || value instanceof BigDecimal) {
			return builder.setAsDouble(((Number) value).doubleValue()).build();
		}
		if (value instanceof byte[] bytes) {
			return builder.setAsBytes(ByteString.copyFrom(bytes)).build();
		}
		if (value instanceof Collection<?> items) {
			StringJoiner joined = new StringJoiner(LIST_SEPARATOR);
			items.forEach((item) -> joined.add(listItem(key, item)));
			return builder.setAsString(joined.toString()).build();
		}
		String text = scalarText(value);
		if (text == null) {
			throw new IllegalArgumentException("Unsupported type " + describeType(value) + " for option '" + key + "'");
		}
		return builder.setAsString(text).build();
	}

	private static String listItem(String key, Object item) {
		String text = (item instanceof Collection<?> || item instanceof Map<?, ?> || item instanceof byte[]) ? null
				: scalarText(item);
		if (text == null) {
			throw new IllegalArgumentException(
					"Unsupported list item type " + describeType(item) + " for option '" + key + "'");
		}
		if (text.contains(LIST_SEPARATOR)) {
			throw new IllegalArgumentException(
					"List item '" + text + "' of option '" + key + "' must not contain '" + LIST_SEPARATOR + "'");
		}
		return text;
	}

	private static @Nullable String scalarText(Object value) {
		if (value instanceof Enum<?> constant) {
			return constant.name();
		}
		if (value instanceof String || value instanceof Boolean || value instanceof Integer
				|| value instanceof Short || value instanceof Byte || value instanceof Long || value instanceof Float
				|| value instanceof Double) {
			return value.toString();
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toPlainString();
		}
		if (value instanceof Duration duration) {
			return duration.toString();
		}
		return null;
	}

	private static Map<String, Object> toMap(String path, ConfigProto proto) {
		Map<String, Object> map = new LinkedHashMap<>();
		new TreeMap<>(proto.getOptionsMap())
			.forEach((name, value) -> map.put(name, fromValue(qualify(path, name), value)));
		new TreeMap<>(proto.getConfigsMap()).forEach((name, nested) -> {
			String qualified = qualify(path, name);
			if (map.containsKey(name)) {
				throw new IllegalArgumentException("'" + qualified + "' is both an option and a nested configuration");
			}
			map.put(name, toMap(qualified, nested));
		});
		return map;
	}

	private static Object fromValue(String key, Value value) {
		return switch (value.getKindCase()) {
			case AS_STRING -> value.getAsString();
			case AS_BYTES -> value.getAsBytes().toByteArray();
			case AS_BOOL -> value.getAsBool();
			case AS_DOUBLE -> value.getAsDouble();
			case AS_FLOAT -> value.getAsFloat();
			case AS_SINT32 -> value.getAsSint32();
			case AS_SINT64 -> value.getAsSint64();
			case AS_UINT32 -> Integer.toUnsignedLong(value.getAsUint32());
			case AS_UINT64 -> value.getAsUint64();
			case AS_MSG -> value.getAsMsg();
			case KIND_NOT_SET -> throw new IllegalArgumentException("Option '" + key + "' has no value");
		};
	}

	private static String qualify(String path, String name) {
		return path.isEmpty() ? name : path + "." + name;
	}

	private static String describeType(Object value) {
		return (value != null) ? value.getClass().getName() : "null";
	}

}

package dev.butler.actuate.endpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

/**
 * Reads the options of a configure action: {@code name=value} pairs separated by {@code ;} or new
 * lines, or a JSON object. A name given twice is refused, in either form.
 */
final class ConfigureOptions {

	private static final JsonMapper json = JsonMapper.builder().build();

	private ConfigureOptions() {
	}

	/**
	 * Read options.
	 * @param options the options text, {@code null} for none
	 * @return the options by name, in the order given; values of a JSON object keep their JSON type
	 * (text, number, boolean, nested object, array)
	 * @throws InvalidEndpointRequestException naming what is wrong
	 */
	static Map<String, Object> parse(@Nullable String options) {
		if (options == null || options.isBlank()) {
			return new LinkedHashMap<>();
		}
		return options.strip().startsWith("{") ? parseJson(options) : parsePairs(options);
	}

	private static Map<String, Object> parsePairs(String options) {
		Map<String, Object> parsed = new LinkedHashMap<>();
		Set<String> duplicates = new LinkedHashSet<>();
		for (String pair : options.split("[;\\n]")) {
			if (pair.isBlank()) {
				continue;
			}
			int equals = pair.indexOf('=');
			if (equals <= 0 || pair.substring(0, equals).isBlank()) {
				throw invalid("Invalid option '" + pair.strip() + "', expected name=value");
			}
			String name = pair.substring(0, equals).strip();
			if (parsed.put(name, pair.substring(equals + 1).strip()) != null) {
				duplicates.add(name);
			}
		}
		refuseDuplicates(duplicates);
		return parsed;
	}

	private static Map<String, Object> parseJson(String options) {
		Set<String> duplicates = new LinkedHashSet<>();
		try (JsonParser parser = json.createParser(options)) {
			parser.nextToken();
			Map<String, Object> parsed = readObject(parser, "", duplicates);
			if (parser.nextToken() != null) {
				throw invalid("Invalid options: text after the JSON object at " + parser.currentLocation());
			}
			refuseDuplicates(duplicates);
			return parsed;
		}
		catch (JacksonException ex) {
			throw invalid("Invalid options, expected a JSON object: " + ex.getOriginalMessage());
		}
	}

	private static Map<String, Object> readObject(JsonParser parser, String path, Set<String> duplicates) {
		Map<String, Object> object = new LinkedHashMap<>();
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			parser.nextToken();
			Object value = readValue(parser, path + name, duplicates);
			if (object.containsKey(name)) {
				duplicates.add(path + name);
			}
			object.put(name, value);
		}
		return object;
	}

	private static @Nullable Object readValue(JsonParser parser, String path, Set<String> duplicates) {
		JsonToken token = parser.currentToken();
		if (token == null) {
			throw invalid("Invalid options: the JSON object ends early");
		}
		return switch (token) {
			case START_OBJECT -> readObject(parser, path + ".", duplicates);
			case START_ARRAY -> {
				List<Object> items = new ArrayList<>();
				while (parser.nextToken() != JsonToken.END_ARRAY) {
					items.add(readValue(parser, path, duplicates));
				}
				yield items;
			}
			case VALUE_STRING -> parser.getString();
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
			case VALUE_TRUE, VALUE_FALSE -> parser.getBooleanValue();
			case VALUE_NULL -> throw invalid("Option '" + path + "' has no value (null)");
			default -> throw invalid("Invalid options: unexpected " + token + " at '" + path + "'");
		};
	}

	private static void refuseDuplicates(Set<String> duplicates) {
		if (!duplicates.isEmpty()) {
			throw invalid("Option(s) given more than once: " + quoted(duplicates));
		}
	}

	static String quoted(Iterable<String> names) {
		List<String> quoted = new ArrayList<>();
		names.forEach((name) -> quoted.add("'" + name + "'"));
		return String.join(", ", quoted);
	}

	private static InvalidEndpointRequestException invalid(String message) {
		return new InvalidEndpointRequestException(message, message);
	}

}

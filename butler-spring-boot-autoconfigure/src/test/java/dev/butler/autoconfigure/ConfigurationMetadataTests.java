package dev.butler.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.pipe.FilterPipeOptions;
import dev.butler.pipe.PipeOptions;
import dev.butler.queue.PiperOptions;
import dev.butler.runtime.IpcPolicy;
import dev.butler.standard.StandardServices;
import dev.butler.standard.binary.BinaryReaderService;
import dev.butler.standard.binary.BinaryWriterService;
import dev.butler.standard.command.CommandService;
import dev.butler.standard.queue.QueueReaderService;
import dev.butler.standard.queue.QueueWriterService;
import dev.butler.standard.text.TextLineFilterConfig;
import dev.butler.standard.text.TextReaderConfig;
import dev.butler.standard.text.TextWriterConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the configuration metadata that IDEs complete from: the generated
 * {@code META-INF/spring-configuration-metadata.json} must list every option a service binds from
 * {@code butler.services.<id>}, as {@code butler.services.*.<option>}, in plain text and with its
 * default, and hint the values of the enum-like options.
 */
class ConfigurationMetadataTests {

	private static final String SERVICE_PREFIX = "butler.services.*.";

	private static final Map<String, JsonNode> properties = new LinkedHashMap<>();

	private static final Map<String, JsonNode> hints = new LinkedHashMap<>();

	@BeforeAll
	static void readMetadata() throws IOException {
		List<URL> candidates = Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		for (URL url : candidates) {
			try (InputStream input = url.openStream()) {
				JsonNode metadata = JsonMapper.builder().build().readTree(input);
				if (metadata.path("groups").valueStream().anyMatch((group) -> group.path("name").asString().equals("butler"))) {
					metadata.path("properties").forEach((property) -> properties.put(property.path("name").asString(), property));
					metadata.path("hints").forEach((hint) -> hints.put(hint.path("name").asString(), hint));
				}
			}
		}
		assertThat(properties).as("Butler's metadata among %s", candidates).containsKey("butler.enabled");
	}

	static Stream<Class<? extends Record>> serviceOptionTypes() {
		return Stream.of(ButlerProperties.Service.class, PipeOptions.class, FilterPipeOptions.class,
				TextReaderConfig.class, TextWriterConfig.class, TextLineFilterConfig.class,
				BinaryReaderService.Config.class, BinaryWriterService.Config.class, QueueReaderService.Config.class,
				QueueWriterService.Config.class, PiperOptions.class, CommandService.Config.class);
	}

	@ParameterizedTest
	@MethodSource("serviceOptionTypes")
	void everyOptionOfAServiceShouldBeDescribedWithItsDefault(Class<? extends Record> type) {
		RecordComponent[] components = type.getRecordComponents();
		Parameter[] parameters = canonicalConstructor(type).getParameters();
		for (int i = 0; i < components.length; i++) {
			String name = SERVICE_PREFIX + dashed(components[i].getName());
			assertThat(properties).as("metadata of %s (%s)", name, type.getName()).containsKey(name);
			JsonNode property = properties.get(name);
			assertThat(property.path("description").asString()).as("description of %s", name)
				.isNotBlank()
				.doesNotContain("{@");
			DefaultValue defaultValue = parameters[i].getAnnotation(DefaultValue.class);
			if (defaultValue != null && defaultValue.value().length == 1) {
				assertThat(property.path("defaultValue").asString()).as("default of %s in %s", name, type.getName())
					.isEqualToIgnoringCase(defaultValue.value()[0]);
			}
		}
	}

	@Test
	void everyServiceOptionInTheMetadataShouldBeBoundBySomeService() {
		Set<String> bound = new TreeSet<>();
		serviceOptionTypes().flatMap((type) -> Arrays.stream(type.getRecordComponents()))
			.forEach((component) -> bound.add(SERVICE_PREFIX + dashed(component.getName())));
		assertThat(properties.keySet().stream().filter((name) -> name.startsWith(SERVICE_PREFIX)))
			.allSatisfy((name) -> assertThat(bound).contains(name));
	}

	@Test
	void everyDescriptionShouldBePlainText() {
		assertThat(properties.values()).allSatisfy((property) -> assertThat(property.path("description").asString())
			.as("description of %s", property.path("name").asString())
			.isNotBlank()
			.doesNotContain("{@")
			.doesNotContain("<code>"));
	}

	@Test
	void agentShouldBeHintedWithEveryStandardService() {
		assertThat(hintedValues(SERVICE_PREFIX + "agent")).containsExactlyInAnyOrderElementsOf(StandardServices.names());
	}

	@Test
	void enumOptionsShouldBeHintedWithTheirValues() {
		List<String> checked = new ArrayList<>();
		serviceOptionTypes().flatMap((type) -> Arrays.stream(type.getRecordComponents()))
			.filter((component) -> component.getType().isEnum())
			.forEach((component) -> {
				String name = SERVICE_PREFIX + dashed(component.getName());
				assertThat(hintedValues(name)).as("hints of %s", name)
					.containsExactlyInAnyOrderElementsOf(lowerCase(component.getType().getEnumConstants()));
				checked.add(name);
			});
		assertThat(checked).contains(SERVICE_PREFIX + "pipe-mode", SERVICE_PREFIX + "input-pipe-mode",
				SERVICE_PREFIX + "output-pipe-mode", SERVICE_PREFIX + "file-mode", SERVICE_PREFIX + "file-type",
				SERVICE_PREFIX + "ready-when");
		assertThat(hintedValues("butler.zmq.ipc")).containsExactlyInAnyOrderElementsOf(lowerCase(IpcPolicy.values()));
	}

	@Test
	void formatOptionsShouldBeHinted() {
		assertThat(hintedValues(SERVICE_PREFIX + "pipe-format")).contains("text/plain;charset=utf-8",
				"application/octet-stream");
		assertThat(hintedValues(SERVICE_PREFIX + "input-pipe-format")).contains("text/plain;charset=utf-8");
		assertThat(hintedValues(SERVICE_PREFIX + "output-pipe-format")).contains("text/plain;charset=utf-8");
		assertThat(hintedValues(SERVICE_PREFIX + "file-format")).contains("text/plain;charset=utf-8");
		assertThat(hintedValues(SERVICE_PREFIX + "filename")).contains("stdin", "stdout", "stderr");
	}

	@Test
	void everyHintShouldNameAKnownPropertyAndDescribeItsValues() {
		assertThat(hints.values()).allSatisfy((hint) -> {
			assertThat(properties).containsKey(hint.path("name").asString());
			assertThat(hint.path("values").valueStream())
				.allSatisfy((value) -> assertThat(value.path("description").asString()).isNotBlank().doesNotContain("{@"));
		});
	}

	private static List<String> hintedValues(String name) {
		assertThat(hints).as("hints of %s", name).containsKey(name);
		return hints.get(name).path("values").valueStream().map((value) -> value.path("value").asString()).toList();
	}

	private static List<String> lowerCase(Object[] constants) {
		return Arrays.stream(constants).map((constant) -> constant.toString().toLowerCase(Locale.ROOT).replace('_', '-'))
			.toList();
	}

	private static Constructor<?> canonicalConstructor(Class<? extends Record> type) {
		Class<?>[] types = Arrays.stream(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
		try {
			return type.getDeclaredConstructor(types);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String dashed(String name) {
		return name.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
	}

}

package dev.butler.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link OptionNames}.
 */
class OptionNamesTests {

	private final OptionNames names = OptionNames.of(List.of(Config.class, Extra.class));

	@Test
	void namesShouldBeDashedInDeclarationOrder() {
		assertThat(this.names.names()).containsExactly("batch-size", "period", "nested", "labels", "api-token");
	}

	@Test
	void relaxedNamesShouldBeKnownAndOthersNamedAsGiven() {
		Map<String, Object> options = new LinkedHashMap<>();
		options.put("batch_size", "5");
		options.put("Period", "2s");
		options.put("apiToken", "t");
		options.put("colour", "red");
		assertThat(this.names.unknown(options)).containsExactly("colour");
	}

	@Test
	void nestedOptionsShouldBeCheckedAgainstTheNestedTypeAndMapKeysBeFree() {
		Map<String, Object> options = new LinkedHashMap<>();
		options.put("nested", Map.of("depth", 2, "width", 3));
		options.put("nested.depht", 2);
		options.put("labels", Map.of("anything", "x"));
		assertThat(this.names.unknown(options)).containsExactlyInAnyOrder("nested.width", "nested.depht");
	}

	@Test
	void aValueTheTypeCannotTakeShouldNotHideTheNamesAfterIt() {
		assertThat(this.names.unknown(Map.of("batch-size", "many", "period", "soon", "api-token", "t"))).isEmpty();
	}

	record Config(int batchSize, Duration period, Nested nested, Map<String, String> labels) {
	}

	record Nested(int depth) {
	}

	record Extra(String apiToken) {
	}

}

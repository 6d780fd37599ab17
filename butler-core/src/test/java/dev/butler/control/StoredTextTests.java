package dev.butler.control;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StoredText}.
 */
class StoredTextTests {

	@Test
	void shortTextShouldBeKeptAsItIs() {
		String text = "x".repeat(StoredText.MAX_CHARS);
		assertThat(StoredText.cap(text)).isSameAs(text);
	}

	@Test
	void longTextShouldKeepItsStartAndSayItsSizeInUtf8Bytes() {
		String text = "é".repeat(StoredText.MAX_CHARS + 1);
		assertThat(StoredText.cap(text)).isEqualTo("é".repeat(StoredText.MAX_CHARS) + "… (truncated, "
				+ 2 * (StoredText.MAX_CHARS + 1) + " bytes)");
	}

	@Test
	void cutShouldNotSplitASurrogatePair() {
		String text = "x".repeat(StoredText.MAX_CHARS - 1) + "😀".repeat(10);
		assertThat(StoredText.cap(text)).isEqualTo("x".repeat(StoredText.MAX_CHARS - 1) + "… (truncated, "
				+ (StoredText.MAX_CHARS - 1 + 40) + " bytes)");
	}

	@Test
	void linesShouldStopAtTheCharacterBudgetAndCountTheRest() {
		String line = "y".repeat(StoredText.MAX_CHARS);
		List<String> lines = Collections.nCopies(20, line);
		List<String> capped = StoredText.capLines(lines);
		int kept = StoredText.MAX_TOTAL_CHARS / StoredText.MAX_CHARS;
		assertThat(capped).hasSize(kept + 1);
		assertThat(capped.get(kept)).isEqualTo("… (truncated, " + (20 - kept) + " more lines)");
	}

	@Test
	void endpointsShouldKeepAtMostMaxItemsChannelsAndCountTheRest() {
		Map<String, List<String>> endpoints = new LinkedHashMap<>();
		for (int i = 0; i < 500; i++) {
			endpoints.put("c" + i, List.of("tcp://127.0.0.1:" + (5000 + i)));
		}
		Map<String, List<String>> capped = StoredText.capEndpoints(endpoints);
		assertThat(capped).hasSize(StoredText.MAX_ITEMS + 1);
		assertThat(capped.get("c0")).containsExactly("tcp://127.0.0.1:5000");
		assertThat(capped.get("…")).containsExactly("(truncated, " + (500 - StoredText.MAX_ITEMS) + " more channels)");
	}

}

package dev.butler.standard.text;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of {@link TextFormat}.
 */
class TextFormatTests {

	@Test
	void formatWithoutCharsetShouldBeAsciiAndStrictAsInSaturnin() {
		assertThat(TextFormat.parse("text/plain"))
			.isEqualTo(new TextFormat(StandardCharsets.US_ASCII, CodingErrorAction.REPORT));
	}

	@Test
	void formatShouldTakeCharsetAndErrorsInAnyCaseWithSpacesAndQuotes() {
		assertThat(TextFormat.parse("Text/Plain; Charset=\"UTF-8\" ;ERRORS=replace"))
			.isEqualTo(new TextFormat(StandardCharsets.UTF_8, CodingErrorAction.REPLACE));
		assertThat(TextFormat.parse("text/plain;errors=ignore").errors()).isEqualTo(CodingErrorAction.IGNORE);
	}

	@Test
	void formatShouldKnowPythonCharsetNames() {
		assertThat(TextFormat.parse("text/plain;charset=utf_8").charset()).isEqualTo(StandardCharsets.UTF_8);
		assertThat(TextFormat.parse("text/plain;charset=latin_1").charset()).isEqualTo(StandardCharsets.ISO_8859_1);
		assertThat(TextFormat.parse("text/plain;charset=utf_16_le").charset()).isEqualTo(StandardCharsets.UTF_16LE);
		assertThat(TextFormat.parse("text/plain;charset=cp1250").charset().name()).isEqualTo("windows-1250");
	}

	@Test
	void formatShouldRefuseOtherTypesParametersCharsetsAndErrorHandlers() {
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("application/json"))
			.withMessage("only 'text/plain' is supported, got 'application/json'");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;format=flowed"))
			.withMessage("unknown MIME parameter 'format', only 'charset' and 'errors' are supported");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;charset=no-such"))
			.withMessage("unknown charset 'no-such'");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;errors=backslashreplace"))
			.withMessage("unsupported errors handler 'backslashreplace', expected strict, ignore or replace");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse(""))
			.withMessage("no format given, expected text/plain");
	}

}

package dev.butler.standard.text;

import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

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


	@Test
	void formatOfSeparatorsOnlyShouldSayThatTheMimeTypeIsMissing() {
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse(";;;"))
			.withMessage("no MIME type before ';', expected text/plain");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse(" ;charset=utf-8"))
			.withMessage("no MIME type before ';', expected text/plain");
	}

	@Test
	void emptySeparatorsAfterTheTypeShouldBeIgnored() {
		assertThat(TextFormat.parse("text/plain;;;")).isEqualTo(TextFormat.parse("text/plain"));
		assertThat(TextFormat.parse("text/plain; ;charset=utf-8;")).isEqualTo(TextFormat.parse("text/plain;charset=utf-8"));
	}

	@Test
	void parameterWithoutValueShouldSaySo() {
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;charset="))
			.withMessage("MIME parameter 'charset' has no value");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;charset"))
			.withMessage("MIME parameter 'charset' has no value");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;errors=\"\""))
			.withMessage("MIME parameter 'errors' has no value");
	}

	@Test
	void parameterGivenTwiceShouldBeRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TextFormat.parse("text/plain;charset=utf-8;CHARSET=latin_1"))
			.withMessage("MIME parameter 'charset' is given twice");
	}

	@Test
	void unknownOrIllegalCharsetNamesShouldBeRefusedNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;charset=nope"))
			.withMessage("unknown charset 'nope'");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;charset=ütf-8"))
			.withMessage("unknown charset 'ütf-8'");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;charset=utf 8"))
			.withMessage("unknown charset 'utf 8'");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;charset=\"\"\""))
			.withMessage("unknown charset '\"'");
	}

	@Test
	void nonAsciiTypeShouldBeRefusedNamingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("téxt/plain"))
			.withMessage("only 'text/plain' is supported, got 'téxt/plain'");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain\u200b"))
			.withMessage("only 'text/plain' is supported, got 'text/plain\u200b'");
	}

	@Test
	void veryLongFormatShouldBeRefusedWithAShortMessage() {
		String longName = "x".repeat(100_000);
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain;charset=" + longName))
			.withMessage("unknown charset '" + "x".repeat(100) + "…' (100000 characters)");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse(longName))
			.withMessage("only 'text/plain' is supported, got '" + "x".repeat(100) + "…' (100000 characters)");
		assertThatIllegalArgumentException().isThrownBy(() -> TextFormat.parse("text/plain" + ";".repeat(100_000) + "a"))
			.withMessage("unknown MIME parameter 'a', only 'charset' and 'errors' are supported");
	}

	@Test
	void charsetThatCanOnlyDecodeShouldBeRefusedForWriting() {
		TextFormat format = TextFormat.parse("text/plain;charset=ISO-2022-CN");
		assertThat(format.newDecoder()).isNotNull();
		assertThatIllegalArgumentException().isThrownBy(format::requireEncoding)
			.withMessage("charset 'ISO-2022-CN' can only decode, not encode");
		assertThat(TextFormat.parse("text/plain;charset=utf-8").requireEncoding().newEncoder()).isNotNull();
	}

	@Test
	void randomFormatsShouldEitherParseOrBeRefusedWithAMessage() {
		long seed = Long.getLong("fuzz.seed", System.nanoTime());
		Random random = new Random(seed);
		String[] pieces = { "text/plain", "text", "/", ";", "=", "\"", " ", "charset", "errors", "utf-8", "utf_16_le",
				"latin_1", "replace", "strict", "ISO-2022-CN", "ü", "😀", "\u0000", "\t", "\\", "-", "_", "le" };
		for (int i = 0; i < 20_000; i++) {
			StringBuilder format = new StringBuilder();
			int length = random.nextInt(8);
			for (int j = 0; j < length; j++) {
				format.append(random.nextInt(4) == 0 ? String.valueOf((char) random.nextInt(0x3000))
						: pieces[random.nextInt(pieces.length)]);
			}
			String candidate = format.toString();
			try {
				TextFormat parsed = TextFormat.parse(candidate);
				assertThat(parsed.newDecoder()).isNotNull();
			}
			catch (IllegalArgumentException ex) {
				assertThat(ex.getMessage()).as("message for '%s' (seed %d)", candidate, seed).isNotBlank();
			}
			catch (RuntimeException ex) {
				throw new AssertionError("'" + candidate + "' (seed " + seed + ") threw " + ex, ex);
			}
		}
	}

}

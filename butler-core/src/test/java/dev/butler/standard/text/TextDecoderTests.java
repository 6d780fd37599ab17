package dev.butler.standard.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.butler.pipe.PipeException;
import dev.butler.protocol.fbdp.FbdpErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link TextDecoder}.
 */
class TextDecoderTests {

	@Test
	void characterSplitBetweenMessagesShouldBeDecodedWhole() {
		byte[] bytes = "a😀b".getBytes(StandardCharsets.UTF_8);
		TextDecoder decoder = new TextDecoder(TextFormat.parse("text/plain;charset=utf-8"));
		assertThat(decoder.decode(Arrays.copyOfRange(bytes, 0, 3)).toString()).isEqualTo("a");
		assertThat(decoder.decode(Arrays.copyOfRange(bytes, 3, 4)).toString()).isEmpty();
		assertThat(decoder.decode(Arrays.copyOfRange(bytes, 4, bytes.length)).toString()).isEqualTo("😀b");
		assertThat(decoder.finish().toString()).isEmpty();
	}

	@Test
	void byteOrderMarkAtTheStartOfEachMessageShouldBeReadAsSuch() {
		TextDecoder decoder = new TextDecoder(TextFormat.parse("text/plain;charset=utf-16"));
		assertThat(decoder.decode("one ".getBytes(StandardCharsets.UTF_16)).toString()).isEqualTo("one ");
		assertThat(decoder.decode("two".getBytes(StandardCharsets.UTF_16)).toString()).isEqualTo("two");
	}

	@Test
	void dataEndingInsideACharacterShouldBeInvalidWhenStrict() {
		TextDecoder decoder = new TextDecoder(TextFormat.parse("text/plain;charset=utf-8"));
		decoder.decode(new byte[] { 'x', (byte) 0xC5 });
		assertThatExceptionOfType(PipeException.class).isThrownBy(decoder::finish)
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(FbdpErrorCode.INVALID_DATA))
			.withMessageContaining("not valid UTF-8: malformed input of 1 byte(s)");
	}

	@Test
	void invalidBytesShouldBeReplacedWhenErrorsIsReplace() {
		TextDecoder decoder = new TextDecoder(TextFormat.parse("text/plain;charset=utf-8;errors=replace"));
		assertThat(decoder.decode(new byte[] { 'a', (byte) 0xFF, 'b' }).toString()).isEqualTo("a\uFFFDb");
		decoder.decode(new byte[] { (byte) 0xC5 });
		assertThat(decoder.finish().toString()).isEqualTo("\uFFFD");
	}

	@Test
	void invalidBytesShouldCloseThePipeWithInvalidDataWhenStrict() {
		TextDecoder decoder = new TextDecoder(TextFormat.parse("text/plain;charset=ascii"));
		assertThatExceptionOfType(PipeException.class).isThrownBy(() -> decoder.decode("é".getBytes(StandardCharsets.UTF_8)))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(FbdpErrorCode.INVALID_DATA))
			.withMessageStartingWith("The data is not valid US-ASCII");
	}

}

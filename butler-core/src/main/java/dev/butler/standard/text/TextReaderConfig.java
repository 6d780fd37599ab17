package dev.butler.standard.text;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the {@link TextReaderService text reader}, with Saturnin's option names
 * ({@code filename}, {@code file_format}, {@code max_chars}; relaxed, so {@code max-chars} works
 * too), beside the pipe options ({@code pipe}, {@code pipe_address}, …, {@code batch_size}, which
 * defaults to 5 here).
 *
 * @param filename File to read, {@code classpath:} and a class path resource, or {@code stdin}
 * @param fileFormat Format of the file: {@code text/plain} with the {@code charset} to read it in
 * ({@code ascii} if not given) and optionally {@code errors} ({@code strict}, {@code ignore} or
 * {@code replace}) for bytes that are not valid in that charset
 * @param maxChars Maximum number of characters sent in one DATA message
 */
public record TextReaderConfig(
		@NotBlank @Pattern(regexp = "(?is)(?!(stdout|stderr)$).*", message = "a text reader reads a file, a class path resource or 'stdin'") String filename,
		@DefaultValue("text/plain;charset=utf-8") @NotBlank @ValidTextFormat String fileFormat,
		@DefaultValue("65535") @Min(1) int maxChars) {

}

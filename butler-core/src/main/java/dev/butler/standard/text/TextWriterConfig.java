package dev.butler.standard.text;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.standard.file.FileOpenMode;
import dev.butler.standard.file.StandardStreamMode;

/**
 * Configuration of the {@link TextWriterService text writer}, with Saturnin's option names
 * ({@code filename}, {@code file_format}, {@code file_mode}; relaxed, so {@code file-mode} works
 * too), beside the pipe options ({@code pipe}, {@code pipe_address}, …, {@code batch_size}, which
 * defaults to 5 here).
 *
 * @param filename File to write, or {@code stdout} or {@code stderr}
 * @param fileFormat Format of the file: {@code text/plain} with the {@code charset} to write it in
 * ({@code ascii} if not given) and optionally {@code errors} ({@code strict}, {@code ignore} or
 * {@code replace}) for characters that charset cannot encode
 * @param fileMode How to open the file: {@code write} (truncate), {@code create} (fail if it
 * exists), {@code append} or {@code rename} (move an existing file aside to {@code <filename>.<n>});
 * only {@code write} for {@code stdout} and {@code stderr}
 */
@StandardStreamMode
public record TextWriterConfig(
		@NotBlank @Pattern(regexp = "(?is)(?!stdin$).*", message = "the standard input cannot be written; use stdout, stderr or a file") String filename,
		@DefaultValue("text/plain;charset=utf-8") @NotBlank @ValidTextFormat(encodable = true) String fileFormat,
		@DefaultValue("write") @NotNull FileOpenMode fileMode) {

}

package dev.butler.standard.text;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Null;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the {@link TextLineFilterService text line filter}, with Saturnin's option names
 * ({@code max_chars}, {@code regex}, {@code expr}, {@code func}; relaxed, so {@code max-chars}
 * works too), beside the options of its two pipes ({@code input_pipe}, …, {@code output_pipe}, …).
 * Exactly one of {@code regex}, {@code expr} and {@code func} must be set.
 *
 * @param maxChars Maximum number of characters sent in one DATA message
 * @param regex Java regular expression: a line passes if the expression is found in it
 * @param expr SpEL boolean expression: a line passes if it is {@code true}. The line (without its
 * line end) is the root object and the variable {@code #line}, e.g.
 * {@code #line.startsWith('ERROR')} or {@code length() > 80}. Stands for Saturnin's Python expression
 * @param func Saturnin's Python function; not supported, use {@code regex} or {@code expr}
 */
@OneFilter
public record TextLineFilterConfig(@DefaultValue("65535") @Min(1) int maxChars, @ValidRegex @Nullable String regex,
		@ValidSpelExpression @Nullable String expr, @Null(message = FUNC_UNSUPPORTED) @Nullable String func) {

	static final String FUNC_UNSUPPORTED = "Python functions cannot run in this implementation; filter with 'regex' "
			+ "(a Java regular expression) or 'expr' (a SpEL boolean expression over #line) instead";

}

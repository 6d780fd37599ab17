package dev.butler.standard.text;

import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ExpressionParser;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;

import dev.butler.pipe.DataFilterService;
import dev.butler.pipe.FilterPipeOptions;
import dev.butler.pipe.PipeException;
import dev.butler.pipe.PipeMode;
import dev.butler.protocol.VendorUids;
import dev.butler.protocol.fbdp.FbdpErrorCode;
import dev.butler.service.ButlerService;
import dev.butler.service.ServiceContext;

/**
 * Saturnin's text line filter ({@code saturnin.text.linefilter}): reads text from its input pipe and
 * writes the lines that pass its filter to its output pipe. The filter is one of:
 * <ul>
 * <li>{@code regex}: a Java regular expression; a line passes if it is found in the line
 * ({@link java.util.regex.Matcher#find()}, like Python's {@code re.search}).</li>
 * <li>{@code expr}: a SpEL boolean expression, in place of Saturnin's Python expression; the line is
 * its root object and the variable {@code #line}, e.g. {@code #line.contains('ERROR')}. It may read
 * properties and call methods of the line, nothing else (a
 * {@link SimpleEvaluationContext#forReadOnlyDataBinding() read-only} context).</li>
 * <li>{@code func}: a Python function in Saturnin, which cannot run here: it fails the start-up.</li>
 * </ul>
 * <p>
 * Lines end with {@code \n}, {@code \r\n} or {@code \r}, and may be split anywhere between DATA
 * messages. The filter sees a line without its line end; a line that passes is written with it, and
 * a last line without one is filtered and written without one. Passing lines are packed into DATA
 * messages of {@code max_chars} characters, as in Saturnin; the last message may be shorter.
 * <p>
 * Both pipes' data formats must be {@code text/plain} (with {@code charset}, default {@code ascii},
 * and {@code errors}); a client that names another is refused with
 * {@code DATA_FORMAT_NOT_SUPPORTED}. A bound output pipe takes no input before its client has named
 * the output format.
 */
@ButlerService(uid = "455093ea-fd99-53c4-9b1f-b2c9b764f482", name = "saturnin.text.linefilter", version = "0.2.1",
		vendor = VendorUids.SATURNIN_UID, classification = "text/filter",
		description = "Text line filter microservice")
public class TextLineFilterService extends DataFilterService<TextLineFilterConfig> {

	private static final ExpressionParser PARSER = new SpelExpressionParser();

	private final StringBuilder line = new StringBuilder();

	private final StringBuilder output = new StringBuilder();

	private TextLineFilterConfig config;

	private Predicate<String> filter;

	private @Nullable TextDecoder decoder;

	private @Nullable CharsetEncoder encoder;

	private boolean afterCarriageReturn;

	private int outputChars;

	@Override
	protected void prepare(TextLineFilterConfig config, ServiceContext context) {
		this.config = config;
		this.filter = createFilter(config);
		FilterPipeOptions pipes = context.options(FilterPipeOptions.class);
		TextFormat inputFormat = configuredFormat(context, "input-pipe-format", pipes.inputPipeFormat());
		TextFormat outputFormat = (pipes.outputPipeFormat() != null)
				? TextSupport.configuredWriteFormat(context, "output-pipe-format", pipes.outputPipeFormat()) : null;
		this.decoder = (pipes.inputPipeMode() == PipeMode.CONNECT && inputFormat != null)
				? new TextDecoder(inputFormat) : null;
		this.encoder = (pipes.outputPipeMode() == PipeMode.CONNECT && outputFormat != null)
				? outputFormat.newEncoder() : null;
		this.line.setLength(0);
		this.afterCarriageReturn = false;
		this.output.setLength(0);
		this.outputChars = 0;
	}

	@Override
	protected void acceptInputClient(String dataFormat) {
		this.decoder = new TextDecoder(TextSupport.clientFormat(dataFormat));
		this.line.setLength(0);
		this.afterCarriageReturn = false;
	}

	@Override
	protected void acceptOutputClient(String dataFormat) {
		this.encoder = TextSupport.clientEncoder(dataFormat);
		inputPipe().resume();
	}

	@Override
	protected boolean isInputReady() {
		return this.encoder != null;
	}

	@Override
	protected void acceptData(byte[] data) {
		split(decoder().decode(data));
	}

	@Override
	protected void finishInput() {
		if (this.decoder != null) {
			split(this.decoder.finish());
		}
		if (this.afterCarriageReturn) {
			this.afterCarriageReturn = false;
			endLine("\r");
		}
		else if (!this.line.isEmpty()) {
			String last = this.line.toString();
			this.line.setLength(0);
			if (passes(last)) {
				write(last);
			}
		}
		if (!this.output.isEmpty()) {
			emit(TextSupport.encode(encoder(), this.output));
			this.output.setLength(0);
			this.outputChars = 0;
		}
	}

	private void split(CharSequence text) {
		int start = 0;
		for (int i = 0; i < text.length(); i++) {
			char ch = text.charAt(i);
			if (this.afterCarriageReturn) {
				this.afterCarriageReturn = false;
				if (ch == '\n') {
					endLine("\r\n");
					start = i + 1;
					continue;
				}
				endLine("\r");
			}
			if (ch == '\n') {
				this.line.append(text, start, i);
				endLine("\n");
				start = i + 1;
			}
			else if (ch == '\r') {
				this.line.append(text, start, i);
				this.afterCarriageReturn = true;
				start = i + 1;
			}
		}
		this.line.append(text, start, text.length());
	}

	private void endLine(String lineEnd) {
		String text = this.line.toString();
		this.line.setLength(0);
		if (passes(text)) {
			write(text + lineEnd);
		}
	}

	private boolean passes(String text) {
		try {
			return this.filter.test(text);
		}
		catch (EvaluationException ex) {
			throw new PipeException(FbdpErrorCode.ERROR,
					"Filter expression '" + this.config.expr() + "' failed on a line: " + ex.getMessage());
		}
	}

	/**
	 * Add passing text to the output and send every full block of {@code max_chars} characters.
	 */
	private void write(String text) {
		this.output.append(text);
		this.outputChars += text.codePointCount(0, text.length());
		int maxChars = this.config.maxChars();
		while (this.outputChars >= maxChars) {
			int end = this.output.offsetByCodePoints(0, maxChars);
			emit(TextSupport.encode(encoder(), CharBuffer.wrap(this.output, 0, end)));
			this.output.delete(0, end);
			this.outputChars -= maxChars;
		}
	}

	/**
	 * Return the decoder of the input pipe's data format, known once the pipe is connected or a client
	 * opened it.
	 */
	private TextDecoder decoder() {
		TextDecoder current = this.decoder;
		if (current == null) {
			throw new IllegalStateException("The data format of pipe '" + inputPipe().options().pipe()
					+ "' is not known yet");
		}
		return current;
	}

	/**
	 * Return the encoder of the output pipe's data format, known once the pipe is connected or a
	 * client opened it.
	 */
	private CharsetEncoder encoder() {
		CharsetEncoder current = this.encoder;
		if (current == null) {
			throw new IllegalStateException("The data format of pipe '" + outputPipe().options().pipe()
					+ "' is not known yet");
		}
		return current;
	}

	private static @Nullable TextFormat configuredFormat(ServiceContext context, String option,
			@Nullable String format) {
		return (format != null) ? TextSupport.configuredFormat(context, option, format) : null;
	}

	private static Predicate<String> createFilter(TextLineFilterConfig config) {
		String regex = config.regex();
		if (regex != null) {
			Pattern pattern = Pattern.compile(regex);
			return (text) -> pattern.matcher(text).find();
		}
		String expr = config.expr();
		if (expr == null) {
			throw new IllegalStateException("Neither 'regex' nor 'expr' defines the filter");
		}
		Expression expression = PARSER.parseExpression(expr);
		SimpleEvaluationContext evaluation = SimpleEvaluationContext.forReadOnlyDataBinding()
			.withInstanceMethods()
			.build();
		return (text) -> {
			evaluation.setVariable("line", text);
			return Boolean.TRUE.equals(expression.getValue(evaluation, text, Boolean.class));
		};
	}

}

package dev.butler.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.service.ServiceConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that every option constraint holds in an application without a validator of its own (no
 * {@code ValidationAutoConfiguration}, no {@code Validator} bean): the binder validates with its own.
 */
class ValidationWithoutValidatorTests {

	private static final String READER = "butler.services.reader.agent=saturnin.text.reader;"
			+ "butler.services.reader.filename=input.txt;butler.services.reader.pipe=text;"
			+ "butler.services.reader.pipe-address=tcp://127.0.0.1:5999;butler.services.reader.pipe-mode=bind";

	private static final String WRITER = "butler.services.writer.agent=saturnin.text.writer;"
			+ "butler.services.writer.filename=output.txt;butler.services.writer.pipe=text;"
			+ "butler.services.writer.pipe-address=tcp://127.0.0.1:5999;butler.services.writer.pipe-mode=bind";

	private static final String FILTER = "butler.services.filter.agent=saturnin.text.linefilter;"
			+ "butler.services.filter.input-pipe=text;butler.services.filter.input-pipe-address=tcp://127.0.0.1:5998;"
			+ "butler.services.filter.input-pipe-mode=bind;butler.services.filter.output-pipe=lines;"
			+ "butler.services.filter.output-pipe-address=tcp://127.0.0.1:5999;butler.services.filter.output-pipe-mode=bind";

	private static final String BINARY_READER = "butler.services.reader.agent=saturnin.binary.reader;"
			+ "butler.services.reader.filename=input.bin;butler.services.reader.pipe=data;"
			+ "butler.services.reader.pipe-address=tcp://127.0.0.1:5999;butler.services.reader.pipe-mode=bind";

	private static final String BINARY_WRITER = "butler.services.writer.agent=saturnin.binary.writer;"
			+ "butler.services.writer.file-type=stream;butler.services.writer.pipe=data;"
			+ "butler.services.writer.pipe-address=tcp://127.0.0.1:5999;butler.services.writer.pipe-mode=bind";

	private static final String QUEUE_WRITER = "butler.services.writer.agent=butler.queue.writer;"
			+ "butler.services.writer.queue-out-dir=out;butler.services.writer.pipe=data;"
			+ "butler.services.writer.pipe-address=tcp://127.0.0.1:5999;butler.services.writer.pipe-mode=bind";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class));

	@Test
	void contextShouldHaveNoValidatorOfTheApplication() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(jakarta.validation.Validator.class)
			.doesNotHaveBean(org.springframework.validation.Validator.class));
	}

	@ParameterizedTest(name = "{1}")
	@CsvSource(delimiter = '|', textBlock = """
			READER        | batch-size=0                       | Invalid value '0' for property 'butler.services.reader.batch-size': must be greater than or equal to 1
			READER        | peer-timeout=50ms                  | Invalid value 'PT0.05S' for property 'butler.services.reader.peer-timeout': must be between 100 ms and 655 s
			READER        | pipe-mode=connect                  | Invalid value 'null' for property 'butler.services.reader.pipe-format': is required for CONNECT pipe mode
			READER        | file-format=text/html              | Invalid value 'text/html' for property 'butler.services.reader.file-format': only 'text/plain' is supported
			READER        | filename=stdout                    | Invalid value 'stdout' for property 'butler.services.reader.filename': a text reader reads a file
			WRITER        | file-format=text/plain;charset=ISO-2022-CN | for property 'butler.services.writer.file-format': charset 'ISO-2022-CN' can only decode, not encode
			WRITER        | filename=stderr;butler.services.writer.file-mode=append | Invalid value 'APPEND' for property 'butler.services.writer.file-mode': 'stderr' supports only file mode WRITE
			FILTER        | regex=(unclosed                    | Invalid value '(unclosed' for property 'butler.services.filter.regex': not a Java regular expression: Unclosed group
			FILTER        | expr=#line.(                       | for property 'butler.services.filter.expr': not a SpEL expression
			FILTER        | output-batch-size=0;butler.services.filter.regex=x | Invalid value '0' for property 'butler.services.filter.output-batch-size': must be greater than or equal to 1
			FILTER        | max-chars=10                       | Invalid value 'null' for property 'butler.services.filter.regex': exactly one of 'regex', 'expr' and 'func' must define the filter, but none is set
			BINARY_READER | block-size=0                       | Invalid value '0' for property 'butler.services.reader.block-size': must be positive, or -1 for blocks stored after their length
			BINARY_WRITER | filename=stdin                     | Invalid value 'stdin' for property 'butler.services.writer.filename': a binary writer writes a file
			QUEUE_WRITER  | queue-in-perms=rwz                 | Invalid value 'rwz' for property 'butler.services.writer.queue-in-perms': expected octal digits
			QUEUE_WRITER  | queue-out-wait=0                   | Invalid value 'PT0S' for property 'butler.services.writer.queue-out-wait': must be positive
			""")
	void badValueShouldFailStartupNamingThePropertyWithoutAValidatorOfTheApplication(String service, String option,
			String message) {
		String base = switch (service) {
			case "READER" -> READER;
			case "WRITER" -> WRITER;
			case "FILTER" -> FILTER;
			case "BINARY_READER" -> BINARY_READER;
			case "BINARY_WRITER" -> BINARY_WRITER;
			default -> QUEUE_WRITER;
		};
		String id = base.substring("butler.services.".length(), base.indexOf(".agent"));
		this.contextRunner.withPropertyValues(base.split(";"))
			.withPropertyValues(("butler.services." + id + "." + option).split(";(?=butler)"))
			.run((context) -> {
				assertThat(context).getFailure()
					.hasStackTraceContaining(ServiceConfigurationException.class.getName())
					.hasStackTraceContaining(message);
			});
	}

}

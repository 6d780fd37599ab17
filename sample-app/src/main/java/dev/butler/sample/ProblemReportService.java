package dev.butler.sample;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;

/**
 * A one-shot task: counts the WARN and ERROR lines of the problems file that the log pipeline
 * wrote, logs the counts and finishes with them as its outcome details. The log writer's
 * {@code on-exit} trigger starts it.
 */
@ButlerService(id = "problem-report", oid = "2.25.156454599572089037576074315226745361353.5",
		vendor = SampleApplication.VENDOR, name = "sample.problem-report", version = "0.1.0",
		classification = "sample/report", description = "Counts the problem lines the log pipeline wrote, once")
class ProblemReportService implements MicroService<ProblemReportService.Config> {

	private static final Log logger = LogFactory.getLog(ProblemReportService.class);

	private ServiceContext context;

	private Path file;

	@Override
	public void initialize(Config config, ServiceContext context) {
		this.context = context;
		this.file = Path.of(config.filename());
	}

	@Override
	public void startActivities() {
		this.context.runTask("report", () -> {
			List<String> lines = Files.readAllLines(this.file, StandardCharsets.UTF_8);
			long errors = lines.stream().filter((line) -> line.contains(" ERROR ")).count();
			String report = lines.size() + " problem lines: " + (lines.size() - errors) + " WARN, " + errors + " ERROR";
			logger.info(report + " in " + this.file);
			this.context.loopExecutor().execute(() -> this.context.addOutcomeDetail(report));
		});
	}

	/**
	 * Configuration of the report, bound from {@code butler.services.problem-report.*}.
	 *
	 * @param filename the file the log writer wrote
	 */
	record Config(@DefaultValue("problems.log") @NotBlank String filename) {

	}

}

package dev.butler.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link DataPipeBenchmark} and {@link PipeAcrossProcessesBenchmark} (or the benchmarks the
 * arguments name, with JMH's own options) and prints, for each of them, transport, payload size and
 * batch size, the pipe's messages per second and its share of each raw baseline measured in the same
 * run on the same engine. Run e.g.
 * {@code java -cp benchmarks.jar dev.butler.benchmarks.PipeFloorReport -f 1 -wi 2 -i 3 -p transport=tcp}.
 */
public final class PipeFloorReport {

	private static final String MESSAGES = "messages";

	private PipeFloorReport() {
	}

	public static void main(String[] args) throws Exception {
		CommandLineOptions options = new CommandLineOptions(args);
		ChainedOptionsBuilder builder = new OptionsBuilder().parent(options);
		if (options.getIncludes().isEmpty()) {
			builder.include(DataPipeBenchmark.class.getSimpleName());
			builder.include(PipeAcrossProcessesBenchmark.class.getSimpleName());
		}
		Collection<RunResult> results = new Runner(builder.build()).run();
		System.out.println();
		System.out.println(report(results));
	}

	/**
	 * Format the pipe's rate against the baselines of the same transport and payload size.
	 * @param results the run's results
	 * @return the table
	 */
	static String report(Collection<RunResult> results) {
		Map<String, Double> rates = new LinkedHashMap<>();
		List<String> pipes = new ArrayList<>();
		for (RunResult result : results) {
			String method = method(result);
			String key = key(method, result, method.equals("pipe") || method.equals("rawCredit"));
			Result<?> messages = result.getSecondaryResults().get(MESSAGES);
			rates.put(key, (messages != null) ? messages.getScore() : Double.NaN);
			if (method.equals("pipe")) {
				pipes.add(key);
			}
		}
		StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
				"%-6s %-7s %-9s %7s %6s %12s %12s %12s %12s %8s %8s %8s%n", "JVMs", "engine", "transport", "payload",
				"batch", "pipe msg/s", "floor", "two frames", "one frame", "/floor", "/2 frames", "/1 frame"));
		for (String pipe : pipes) {
			String[] parts = pipe.split("\\|");
			String benchmark = parts[0];
			String transport = parts[2];
			String payload = parts[3];
			String batch = parts[4];
			String engine = parts[5];
			double rate = rates.get(pipe);
			double floor = rates.getOrDefault(
					String.join("|", benchmark, "rawCredit", transport, payload, batch, engine), Double.NaN);
			double twoFrames = rates.getOrDefault(
					String.join("|", benchmark, "rawTwoFrames", transport, payload, "-", engine), Double.NaN);
			double oneFrame = rates.getOrDefault(
					String.join("|", benchmark, "rawOneFrame", transport, payload, "-", engine), Double.NaN);
			String jvms = benchmark.equals(PipeAcrossProcessesBenchmark.class.getSimpleName()) ? "2" : "1";
			table.append(String.format(Locale.ROOT,
					"%-6s %-7s %-9s %7s %6s %,12.0f %,12.0f %,12.0f %,12.0f %7.0f%% %7.0f%% %7.0f%%%n", jvms, engine,
					transport, payload, batch, rate, floor, twoFrames, oneFrame, 100 * rate / floor,
					100 * rate / twoFrames, 100 * rate / oneFrame));
		}
		return table.toString();
	}

	private static String method(RunResult result) {
		String benchmark = result.getParams().getBenchmark();
		return benchmark.substring(benchmark.lastIndexOf('.') + 1);
	}

	private static String key(String method, RunResult result, boolean batched) {
		String benchmark = result.getParams().getBenchmark();
		String benchmarkClass = benchmark.substring(0, benchmark.lastIndexOf('.'));
		String transport = result.getParams().getParam("transport");
		String payload = result.getParams().getParam("payloadSize");
		String batch = batched ? result.getParams().getParam("batchSize") : "-";
		String engine = result.getParams().getParam("engine");
		return String.join("|", benchmarkClass.substring(benchmarkClass.lastIndexOf('.') + 1), method, transport,
				payload, batch, (engine != null) ? engine : "-");
	}

}

package dev.butler.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * How fast each end of a data pipe answers: runs transfers as {@link DataPipeBenchmark#pipe} does,
 * with a flight recording of {@code dev.butler.pipe.Turnaround} events, and prints their percentiles
 * per side and answer. A consumer's READY answers the last DATA of a batch; a producer's DATA answers
 * the READY that granted the batch (a client's READY answers its server's). Run e.g.
 * {@code java -cp benchmarks.jar dev.butler.benchmarks.PipeTurnaroundReport tcp 64 50 20}
 * (transport, payload size, batch size, transfers; the first fifth are a warm-up and not counted).
 */
public final class PipeTurnaroundReport {

	private static final String EVENT = "dev.butler.pipe.Turnaround";

	private PipeTurnaroundReport() {
	}

	public static void main(String[] args) throws Exception {
		String transport = (args.length > 0) ? args[0] : "tcp";
		int payloadSize = (args.length > 1) ? Integer.parseInt(args[1]) : 64;
		int batchSize = (args.length > 2) ? Integer.parseInt(args[2]) : 50;
		int transfers = (args.length > 3) ? Integer.parseInt(args[3]) : 20;
		int warmUp = transfers / 5;
		byte[] data = new byte[payloadSize];
		int count = (payloadSize <= 64) ? 200_000 : 50_000;
		Path file = Files.createTempFile("pipe-turnaround", ".jfr");
		try (ButlerFixture fixture = new ButlerFixture()) {
			for (int i = 1; i <= warmUp; i++) {
				DataPipeBenchmark.transfer(fixture, -i, DataPipeBenchmark.Payload.address(transport, -i), false,
						batchSize, data, count);
			}
			try (Recording recording = new Recording()) {
				recording.enable(EVENT).withThreshold(Duration.ZERO);
				recording.start();
				for (int i = 1; i <= transfers - warmUp; i++) {
					DataPipeBenchmark.transfer(fixture, i, DataPipeBenchmark.Payload.address(transport, i), false,
							batchSize, data, count);
				}
				recording.stop();
				recording.dump(file);
			}
			System.out.printf(Locale.ROOT, "%s, %d B, batch %d, %d transfers of %,d messages%n", transport, payloadSize,
					batchSize, transfers - warmUp, count);
			System.out.println(report(file));
		}
		finally {
			Files.deleteIfExists(file);
		}
	}

	private static String report(Path file) throws IOException {
		Map<String, List<Long>> durations = new TreeMap<>();
		for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
			if (event.getEventType().getName().equals(EVENT)) {
				String service = event.getString("service");
				String side = service.substring(0, service.lastIndexOf('-')) + " " + event.getString("answer");
				durations.computeIfAbsent(side, (key) -> new ArrayList<>()).add(event.getDuration().toNanos());
			}
		}
		StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-26s %9s %9s %9s %9s %9s%n", "side answer",
				"count", "p50 µs", "p90 µs", "p99 µs", "max µs"));
		durations.forEach((side, values) -> {
			long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
			Arrays.sort(sorted);
			table.append(String.format(Locale.ROOT, "%-26s %,9d %9.1f %9.1f %9.1f %9.1f%n", side, sorted.length,
					micros(sorted, 0.50), micros(sorted, 0.90), micros(sorted, 0.99), sorted[sorted.length - 1] / 1000.0));
		});
		return table.toString();
	}

	private static double micros(long[] sorted, double percentile) {
		int index = (int) Math.ceil(percentile * sorted.length) - 1;
		return sorted[Math.max(index, 0)] / 1000.0;
	}

}

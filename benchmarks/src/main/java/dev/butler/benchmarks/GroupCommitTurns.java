package dev.butler.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.FileSystemSync;
import dev.butler.queue.QueueException;
import dev.butler.runtime.ButlerThreads;

/**
 * The commit rate of a directory queue, single and in groups, with the cases taking turns: on a
 * machine whose load changes (other builds beside it), JMH's benchmarks, which run one after the
 * other, compare moments rather than cases. Each round gives each case a slice of one second, in
 * turn: {@code single} ({@link DirectoryQueue#enqueue}), {@code group fsync}
 * ({@link DirectoryQueue#enqueueAll} syncing each file, on a runtime's sync pool) and
 * {@code group syncfs} (one sync of the file system per group, when this JVM has it: a JDK 22 or
 * later on Linux, with native access). After each slice the messages are deleted, outside the
 * time measured. The first two rounds warm up and are not counted. Ratios are to {@code single}
 * of the same round. Run it from a directory on a disk with
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar \
 *     dev.butler.benchmarks.GroupCommitTurns [rounds (20)] [batch (100)] [payload bytes (256)]
 * </pre>
 */
public final class GroupCommitTurns {

	private static final long SLICE_NANOS = 1_000_000_000L;

	private static final int WARM_UP_ROUNDS = 2;

	private GroupCommitTurns() {
	}

	public static void main(String[] args) throws IOException {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int batch = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		int payloadSize = (args.length > 2) ? Integer.parseInt(args[2]) : 256;
		List<byte[]> group = new ArrayList<>();
		for (int i = 0; i < batch; i++) {
			byte[] payload = new byte[payloadSize];
			Arrays.fill(payload, (byte) 'x');
			group.add(payload);
		}
		Path root = DirectoryQueueBenchmark.newDirectory("turns");
		try (ButlerThreads threads = new ButlerThreads()) {
			Map<String, Case> cases = new LinkedHashMap<>();
			DirectoryQueue single = DirectoryQueue.open(root.resolve("single"), null, null, FileSystemSync.perFile());
			cases.put("single", new Case(single, () -> single.enqueue(group.get(0)), 1));
			DirectoryQueue perFile = DirectoryQueue.open(root.resolve("fsync"), null, threads.queueSync(),
					FileSystemSync.perFile());
			cases.put("group fsync", new Case(perFile, () -> perFile.enqueueAll(group), batch));
			FileSystemSync available = FileSystemSync.available();
			if (available != FileSystemSync.perFile()) {
				DirectoryQueue syncFs = DirectoryQueue.open(root.resolve("syncfs"), null, threads.queueSync(), available);
				cases.put("group " + available.name(), new Case(syncFs, () -> syncFs.enqueueAll(group), batch));
			}
			else {
				System.out.println("No file-system sync on Java " + Runtime.version()
						+ ": syncfs needs a JDK 22 or later on Linux and --enable-native-access=ALL-UNNAMED");
			}
			System.out.printf(Locale.ROOT, "Java %s, %d rounds of 1 s per case, groups of %d, %d B messages, in %s%n",
					Runtime.version(), rounds, batch, payloadSize, root);
			for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
				for (Case turn : cases.values()) {
					double rate = turn.slice();
					if (round >= WARM_UP_ROUNDS) {
						turn.rates.add(rate);
					}
				}
			}
			List<Double> singleRates = cases.get("single").rates;
			System.out.printf(Locale.ROOT, "%-14s %12s %20s %18s%n", "case", "msg/s median", "(lowest-highest)",
					"ratio to single");
			cases.forEach((name, turn) -> {
				List<Double> ratios = new ArrayList<>();
				for (int i = 0; i < turn.rates.size(); i++) {
					ratios.add(turn.rates.get(i) / singleRates.get(i));
				}
				double[] sorted = sorted(turn.rates);
				double[] sortedRatios = sorted(ratios);
				System.out.printf(Locale.ROOT, "%-14s %12.0f %20s %8.1f (%.1f-%.1f)%n", name, median(sorted),
						"(%.0f-%.0f)".formatted(sorted[0], sorted[sorted.length - 1]), median(sortedRatios),
						sortedRatios[0], sortedRatios[sortedRatios.length - 1]);
			});
		}
		finally {
			DirectoryQueueBenchmark.deleteTree(root);
		}
	}

	private static double[] sorted(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
	}

	private static double median(double[] sorted) {
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	@FunctionalInterface
	private interface Commit {

		void run() throws QueueException;

	}

	/**
	 * One case: its queue, what it commits, and the rates of its slices.
	 */
	private record Case(DirectoryQueue queue, Commit commit, int messagesPerCommit, List<Double> rates) {

		Case(DirectoryQueue queue, Commit commit, int messagesPerCommit) {
			this(queue, commit, messagesPerCommit, new ArrayList<>());
		}

		/**
		 * Commit for one slice, then empty {@code incoming/}; return the messages per second.
		 */
		double slice() throws IOException {
			long start = System.nanoTime();
			long messages = 0;
			long elapsed;
			do {
				this.commit.run();
				messages += this.messagesPerCommit;
				elapsed = System.nanoTime() - start;
			}
			while (elapsed < SLICE_NANOS);
			try (Stream<Path> files = Files.list(this.queue.incoming())) {
				for (Path file : files.toList()) {
					Files.delete(file);
				}
			}
			return messages * 1e9 / elapsed;
		}

	}

}

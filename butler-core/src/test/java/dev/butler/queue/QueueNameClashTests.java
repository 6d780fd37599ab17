package dev.butler.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.butler.queue.QueueFiles.list;
import static dev.butler.queue.QueueFiles.names;
import static dev.butler.queue.QueueRecoveryTests.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that no move of a message replaces another one of the same name, on real files.
 */
class QueueNameClashTests {

	@TempDir
	Path temp;

	@Test
	void twoProducersHandingOnMessagesOfTheSameNameShouldDeliverBoth() throws IOException {
		DirectoryQueue first = DirectoryQueue.open(this.temp.resolve("first"));
		DirectoryQueue second = DirectoryQueue.open(this.temp.resolve("second"));
		DirectoryQueue next = DirectoryQueue.open(this.temp.resolve("next"));
		Files.writeString(first.incoming().resolve("same"), "from first");
		Files.writeString(first.incoming().resolve("other"), "other from first");
		Files.writeString(second.incoming().resolve("same"), "from second");
		Files.writeString(second.incoming().resolve("other"), "other from second");
		try (QueueReader a = QueueReader.open(first, new QueueStatistics());
				QueueReader b = QueueReader.open(second, new QueueStatistics())) {
			assertThat(a.handOn(a.next(), next)).isEqualTo("other");
			assertThat(b.handOn(b.next(), next)).isEqualTo("other+2");
			assertThat(a.handOn(a.next(), next, bytes("FROM FIRST"))).isEqualTo("same");
			assertThat(b.handOn(b.next(), next, bytes("FROM SECOND"))).isEqualTo("same+2");
		}
		assertThat(contents(next.incoming())).containsOnly(Map.entry("other", "other from first"),
				Map.entry("other+2", "other from second"), Map.entry("same", "FROM FIRST"),
				Map.entry("same+2", "FROM SECOND"));
		assertThat(list(next.tmp())).isEmpty();
	}

	@Test
	void producersRacingWithMessagesOfOneNameShouldAllDeliver() throws Exception {
		DirectoryQueue next = DirectoryQueue.open(this.temp.resolve("next"));
		int producers = 4;
		int rounds = 50;
		CyclicBarrier barrier = new CyclicBarrier(producers);
		List<Thread> threads = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		for (int p = 0; p < producers; p++) {
			DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("producer-" + p));
			int producer = p;
			threads.add(new Thread(() -> {
				try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
					for (int round = 0; round < rounds; round++) {
						Files.writeString(queue.incoming().resolve("m" + round), producer + "/" + round);
						QueueMessage message = reader.next();
						barrier.await();
						if (producer % 2 == 0) {
							reader.handOn(message, next);
						}
						else {
							reader.handOn(message, next, message.content());
						}
					}
				}
				catch (Exception ex) {
					synchronized (failures) {
						failures.add(ex);
					}
				}
			}));
		}
		threads.forEach(Thread::start);
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(failures).isEmpty();
		Map<String, String> delivered = contents(next.incoming());
		assertThat(delivered).hasSize(producers * rounds);
		List<String> expected = new ArrayList<>();
		for (int p = 0; p < producers; p++) {
			for (int round = 0; round < rounds; round++) {
				expected.add(p + "/" + round);
			}
		}
		assertThat(delivered.values()).containsExactlyInAnyOrderElementsOf(expected);
		assertThat(delivered.keySet()).allMatch((name) -> name.matches("m\\d+(\\+[2-4])?"));
	}

	@Test
	void aMessageArrivingUnderTheNameOfOneStillHeldShouldBeClaimedUnderAVariant() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		Files.writeString(queue.incoming().resolve("m"), "first");
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			QueueMessage held = reader.next();
			Files.writeString(queue.incoming().resolve("m"), "second");
			QueueMessage second = reader.next();
			assertThat(second.name()).isEqualTo("m+2");
			assertThat(second.content()).isEqualTo(bytes("second"));
			assertThat(held.content()).isEqualTo(bytes("first"));
			reader.release(held);
			reader.release(second);
		}
		assertThat(contents(queue.incoming())).containsOnly(Map.entry("m", "first"), Map.entry("m+2", "second"));
	}

	@Test
	void releasingAMessageWhoseNameArrivedMeanwhileShouldKeepBoth() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		Files.writeString(queue.incoming().resolve("m"), "first");
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			QueueMessage held = reader.next();
			Files.writeString(queue.incoming().resolve("m"), "second");
			reader.release(held);
		}
		assertThat(contents(queue.incoming())).containsOnly(Map.entry("m", "second"), Map.entry("m+2", "first"));
	}

	@Test
	void banishingAMessageWhoseNameIsInErrorsAlreadyShouldKeepBothWithTheirMetadata() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			Files.writeString(queue.incoming().resolve("m"), "first");
			reader.banish(reader.next(), "first reason", null, 1);
			Files.writeString(queue.incoming().resolve("m"), "second");
			Files.writeString(queue.errors().resolve("m+2.meta"), "{}");
			reader.banish(reader.next(), "second reason", null, 1);
		}
		assertThat(queue.errors().resolve("m")).hasContent("first");
		assertThat(queue.errors().resolve("m+3")).hasContent("second");
		JsonNode first = JsonMapper.shared().readTree(queue.errors().resolve("m.meta").toFile());
		JsonNode second = JsonMapper.shared().readTree(queue.errors().resolve("m+3.meta").toFile());
		assertThat(first.get("reason").asString()).isEqualTo("first reason");
		assertThat(second.get("reason").asString()).isEqualTo("second reason");
		assertThat(second.get("message").asString()).isEqualTo("m");
		assertThat(names(queue.errors())).containsExactlyInAnyOrder("m", "m.meta", "m+2.meta", "m+3", "m+3.meta");
		assertThat(list(queue.tmp())).isEmpty();
	}

	private static Map<String, String> contents(Path directory) throws IOException {
		Map<String, String> contents = new HashMap<>();
		for (Path file : list(directory)) {
			contents.put(file.getFileName().toString(), Files.readString(file));
		}
		return contents;
	}

}

package dev.butler.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.butler.queue.QueueFiles.list;
import static dev.butler.queue.QueueFiles.names;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests of how often a message is recovered from consumers that ended without finishing it, on real
 * files: the count in the file name, and the banishment of a message that keeps ending its consumers.
 */
class QueueRecoveryTests {

	@TempDir
	Path temp;

	@Test
	void aMessageRecoveredAsOftenAsAllowedShouldBeBanishedOnTheNextRecoveryWithTheReason() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		String name = queue.enqueue(bytes("poison"));
		QueueStatistics statistics = new QueueStatistics();
		Path lastConsumer = null;
		for (int recoveries = 0; recoveries <= 3; recoveries++) {
			QueueReader reader = QueueReader.open(queue, statistics, 3);
			if (recoveries > 0) {
				assertThat(names(queue.incoming())).containsExactly(name + "+r" + recoveries);
			}
			QueueMessage message = reader.next();
			assertThat(message.name()).isEqualTo(name);
			assertThat(message.recoveries()).isEqualTo(recoveries);
			assertThat(message.content()).isEqualTo(bytes("poison"));
			lastConsumer = EndedConsumers.crash(reader);
		}
		try (QueueReader reader = QueueReader.open(queue, statistics, 3)) {
			assertThat(reader.next()).isNull();
		}
		assertThat(queue.countIncoming()).isZero();
		assertThat(lastConsumer).doesNotExist();
		assertThat(queue.errors().resolve(name)).hasContent("poison");
		JsonNode meta = JsonMapper.shared().readTree(queue.errors().resolve(name + ".meta").toFile());
		assertThat(meta.get("message").asString()).isEqualTo(name);
		assertThat(meta.get("reason").asString())
			.isEqualTo("Recovered 3 time(s) from consumers that ended without finishing it; its last consumer, '"
					+ lastConsumer.getFileName() + "', ended too, and at most 3 recoveries are allowed");
		assertThat(meta.get("recoveries").asInt()).isEqualTo(3);
		assertThat(meta.get("attempts").asInt()).isEqualTo(4);
		assertThat(meta.get("lastConsumer").asString()).isEqualTo(lastConsumer.getFileName().toString());
		assertThat(statistics.counts().recovered()).isEqualTo(3);
		assertThat(statistics.counts().banished()).isEqualTo(1);
		assertThat(list(queue.pending())).isEmpty();
		assertThat(list(queue.tmp())).isEmpty();
	}

	@Test
	void noRecoveriesAllowedShouldBanishAMessageOfAnEndedConsumerAtOnce() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		Files.writeString(EndedConsumers.directory(queue).resolve("m1"), "one");
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics(), 0)) {
			assertThat(queue.countIncoming()).isZero();
			assertThat(queue.errors().resolve("m1")).hasContent("one");
			assertThat(queue.errors().resolve("m1.meta")).exists();
		}
	}

	@Test
	void aNegativeLimitShouldBeRefused() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		assertThatIllegalArgumentException().isThrownBy(() -> QueueReader.open(queue, new QueueStatistics(), -1))
			.withMessageContaining("maxRecoveries");
	}

	@Test
	void aRecoveredMessageShouldKeepItsPlaceInNameOrder() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("q"));
		List<String> names = queue.enqueueAll(List.of(bytes("a"), bytes("b"), bytes("c")));
		QueueReader first = QueueReader.open(queue, new QueueStatistics());
		first.next();
		first.next();
		EndedConsumers.crash(first);
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			assertThat(names(queue.incoming()).stream().sorted())
				.containsExactly(names.get(0) + "+r1", names.get(1) + "+r1", names.get(2));
			List<String> claimed = new ArrayList<>();
			List<Integer> recoveries = new ArrayList<>();
			QueueMessage message;
			while ((message = reader.next()) != null) {
				claimed.add(message.name());
				recoveries.add(message.recoveries());
				reader.commit(message);
			}
			assertThat(claimed).isEqualTo(names);
			assertThat(recoveries).containsExactly(1, 1, 0);
		}
	}

	@Test
	void releasingOrClosingShouldKeepTheCountWhichTheNextQueueDoesNotSee() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("a"));
		DirectoryQueue next = DirectoryQueue.open(this.temp.resolve("b"));
		Path ended = EndedConsumers.directory(queue);
		Files.writeString(ended.resolve("m1+r1"), "one");
		Files.writeString(ended.resolve("m2"), "two");
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			assertThat(names(queue.incoming())).containsExactlyInAnyOrder("m1+r2", "m2+r1");
			QueueMessage m1 = reader.next();
			reader.release(m1);
			assertThat(names(queue.incoming())).contains("m1+r2");
			reader.next();
		}
		assertThat(names(queue.incoming())).containsExactlyInAnyOrder("m1+r2", "m2+r1");
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			assertThat(reader.handOn(reader.next(), next)).isEqualTo("m1");
			assertThat(reader.handOn(reader.next(), next, bytes("TWO"))).isEqualTo("m2");
		}
		assertThat(next.incoming().resolve("m1")).hasContent("one");
		assertThat(next.incoming().resolve("m2")).hasContent("TWO");
		try (QueueReader reader = QueueReader.open(next, new QueueStatistics())) {
			assertThat(reader.next().recoveries()).isZero();
		}
	}

	@Test
	void aMessageHandedOnByAConsumerThatEndedBeforeDeletingItShouldNotBeHandedOnTwice() throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("a"));
		DirectoryQueue next = DirectoryQueue.open(this.temp.resolve("b"));
		String unchanged = queue.enqueue(bytes("one"));
		String changed = queue.enqueue(bytes("two"));
		QueueReader crashed = QueueReader.open(queue, new QueueStatistics());
		QueueMessage first = crashed.next();
		Files.createLink(next.incoming().resolve(unchanged), first.path());
		crashed.next();
		Files.writeString(next.incoming().resolve(changed), "TWO");
		EndedConsumers.crash(crashed);
		QueueStatistics statistics = new QueueStatistics();
		try (QueueReader reader = QueueReader.open(queue, statistics)) {
			assertThat(reader.handOn(reader.next(), next)).isEqualTo(unchanged);
			assertThat(reader.handOn(reader.next(), next, bytes("TWO"))).isEqualTo(changed);
			assertThat(reader.countClaimed()).isZero();
		}
		assertThat(names(next.incoming())).containsExactlyInAnyOrder(unchanged, changed);
		assertThat(next.incoming().resolve(unchanged)).hasContent("one");
		assertThat(next.incoming().resolve(changed)).hasContent("TWO");
		assertThat(statistics.counts().handedOn()).isEqualTo(2);
		assertThat(queue.countIncoming()).isZero();
		assertThat(list(next.tmp())).isEmpty();
	}

	@Test
	void aRecoveredMessageWithOtherContentThanTheSameNamedOneInTheNextQueueShouldArriveBesideIt()
			throws IOException {
		DirectoryQueue queue = DirectoryQueue.open(this.temp.resolve("a"));
		DirectoryQueue next = DirectoryQueue.open(this.temp.resolve("b"));
		Files.writeString(EndedConsumers.directory(queue).resolve("m1"), "one");
		Files.writeString(next.incoming().resolve("m1"), "ONE, at another time");
		try (QueueReader reader = QueueReader.open(queue, new QueueStatistics())) {
			assertThat(reader.handOn(reader.next(), next, bytes("ONE"))).isEqualTo("m1+2");
		}
		assertThat(next.incoming().resolve("m1")).hasContent("ONE, at another time");
		assertThat(next.incoming().resolve("m1+2")).hasContent("ONE");
	}

	@Test
	void fileNamesShouldCarryTheCountAndSortWithTheirMessageNames() {
		assertThat(MessageFile.parse("1763900000000.h.42.000000017+r12"))
			.isEqualTo(new MessageFile("1763900000000.h.42.000000017", 12));
		assertThat(MessageFile.parse("m+2")).isEqualTo(new MessageFile("m+2", 0));
		assertThat(MessageFile.parse("m+r0")).isEqualTo(new MessageFile("m+r0", 0));
		assertThat(MessageFile.parse("+r1")).isEqualTo(new MessageFile("+r1", 0));
		assertThat(new MessageFile("m", 2).recovered().fileName()).isEqualTo("m+r3");
		assertThat(new MessageFile("m", 1).variant(2).fileName()).isEqualTo("m+2+r1");
		assertThat(MessageFile.parse("m+2+r1")).isEqualTo(new MessageFile("m+2", 1));
		List<String> files = new ArrayList<>(List.of("m1+r1", "m10", "m1.x", "m1-x", "m1", "m0+r9"));
		files.sort(null);
		assertThat(files).containsExactly("m0+r9", "m1", "m1+r1", "m1-x", "m1.x", "m10");
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}

package dev.butler.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

import dev.butler.autoconfigure.ButlerAutoConfiguration;
import dev.butler.control.ButlerComponent;
import dev.butler.control.ButlerComponents;
import dev.butler.protocol.State;
import dev.butler.service.ButlerService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link PiperService} on real directory queues.
 */
class PiperServiceTests {

	@TempDir
	Path spool;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ButlerAutoConfiguration.class, ValidationAutoConfiguration.class))
		.withUserConfiguration(Upper.class);

	private ApplicationContextRunner runner() {
		return this.contextRunner.withPropertyValues("butler.spool-dir=" + this.spool,
				"butler.services.upper.queue_out_dir=done", "butler.services.upper.retry-wait=100ms");
	}

	@Test
	void messagesShouldBeProcessedAndDisposedOfByTheirDisposition() throws IOException {
		DirectoryQueue in = DirectoryQueue.open(this.spool.resolve("upper"));
		String plain = in.enqueue(bytes("hello"));
		String dropped = in.enqueue(bytes("drop"));
		String unchanged = in.enqueue(bytes("keep"));
		String bad = in.enqueue(bytes("bad"));
		runner().run((context) -> {
			DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
			await().atMost(Duration.ofSeconds(10)).until(() -> done.countIncoming() == 2 && done.countErrors() == 0
					&& in.countErrors() == 1);
			assertThat(done.incoming().resolve(plain)).hasContent("HELLO");
			assertThat(done.incoming().resolve(unchanged)).hasContent("keep");
			assertThat(done.incoming().resolve(dropped)).doesNotExist();
			JsonNode meta = JsonMapper.shared().readTree(in.errors().resolve(bad + ".meta").toFile());
			assertThat(meta.get("reason").asString()).isEqualTo("refused: bad");
			assertThat(in.countIncoming()).isZero();
			QueueSnapshot snapshot = QueueTestSupport.queues(component(context)).get(0);
			assertThat(snapshot.name()).isEqualTo("queue-in");
			assertThat(snapshot.directory()).isEqualTo(in.directory().toString());
			assertThat(snapshot.next()).isEqualTo(done.directory().toString());
			assertThat(snapshot.state()).isEqualTo(QueueSnapshot.State.ACTIVE);
			assertThat(snapshot.watching()).isTrue();
			assertThat(snapshot.counts().processed()).isEqualTo(4);
			assertThat(snapshot.counts().handedOn()).isEqualTo(2);
			assertThat(snapshot.counts().committed()).isEqualTo(1);
			assertThat(snapshot.counts().banished()).isEqualTo(1);
		});
	}

	@Test
	void filesArrivingWhileRunningShouldBeSeenWithoutWaitingForThePoll() {
		runner().withPropertyValues("butler.services.upper.queue-in-wait=1h").run((context) -> {
			DirectoryQueue in = DirectoryQueue.open(this.spool.resolve("upper"));
			DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
			for (int i = 0; i < 20; i++) {
				in.enqueue(bytes("m" + i));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> done.countIncoming() == 20);
		});
	}

	@Test
	void aFailingMessageShouldBeRetriedAndThenBanishedWithItsException() throws IOException {
		DirectoryQueue in = DirectoryQueue.open(this.spool.resolve("upper"));
		String flaky = in.enqueue(bytes("flaky"));
		String broken = in.enqueue(bytes("fail"));
		runner().withPropertyValues("butler.services.upper.max_attempts=3").run((context) -> {
			DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
			await().atMost(Duration.ofSeconds(10)).until(() -> done.countIncoming() == 1 && in.countErrors() == 1);
			assertThat(done.incoming().resolve(flaky)).hasContent("FLAKY");
			JsonNode meta = JsonMapper.shared().readTree(in.errors().resolve(broken + ".meta").toFile());
			assertThat(meta.get("attempts").asInt()).isEqualTo(3);
			assertThat(meta.get("exception").asString()).isEqualTo(IllegalStateException.class.getName());
			assertThat(meta.get("exceptionMessage").asString()).isEqualTo("cannot process 'fail'");
			assertThat(meta.get("stackTrace").asString()).contains("Upper.process");
			assertThat(context.getBean(Upper.class).seen).containsOnly(flaky, broken)
				.filteredOn(broken::equals)
				.hasSize(3);
		});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aFullNextQueueShouldPauseTheServiceUntilItDrainsLoggingOncePerPause(CapturedOutput output)
			throws IOException {
		DirectoryQueue in = DirectoryQueue.open(this.spool.resolve("upper"));
		for (int i = 0; i < 12; i++) {
			in.enqueue(bytes("m" + i));
		}
		runner().withPropertyValues("butler.services.upper.queue_out_limit=5", "butler.services.upper.queue_out_wait=200ms")
			.run((context) -> {
				DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
				ButlerComponent upper = component(context);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> QueueTestSupport.queues(upper).get(0).state() == QueueSnapshot.State.PAUSED);
				assertThat(done.countIncoming()).isEqualTo(5);
				assertThat(in.countIncoming()).isEqualTo(7);
				Thread.sleep(500);
				assertThat(done.countIncoming()).as("still paused").isEqualTo(5);
				assertThat(count(output, "' pauses: queue '")).as("one line although checked again").isOne();
				assertThat(output).contains("checking again every 200ms").doesNotContain("resumes its queue");
				drain(done, 5);
				await().atMost(Duration.ofSeconds(5)).until(() -> done.countIncoming() == 5 && in.countIncoming() == 2);
				drain(done, 5);
				await().atMost(Duration.ofSeconds(5)).until(() -> in.countIncoming() == 0 && done.countIncoming() == 2);
				assertThat(QueueTestSupport.queues(upper).get(0).counts().handedOn()).isEqualTo(12);
				await().atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(count(output, "resumes its queue after ")).isEqualTo(2));
				assertThat(count(output, "' pauses: queue '")).isEqualTo(2);
				assertThat(output).containsPattern("Service 'upper' resumes its queue after \\d+(ms|s)");
			});
	}

	@Test
	void aFullDiskShouldStallTheServiceWithTheMessageBackInTheQueueUntilThereIsRoom() throws IOException {
		Path mount = FileSystemFaults.mountTmpfs(this.spool, "512k");
		try {
			DirectoryQueue in = DirectoryQueue.open(mount.resolve("in"));
			DirectoryQueue done = DirectoryQueue.open(mount.resolve("done"));
			String name = in.enqueue(bytes("hello"));
			Path filler = mount.resolve("filler");
			try {
				Files.write(filler, new byte[1024 * 1024]);
			}
			catch (IOException ex) {
				// the filesystem is full now
			}
			this.contextRunner
				.withPropertyValues("butler.services.upper.queue_in_dir=" + in.directory(),
						"butler.services.upper.queue_out_dir=" + done.directory(),
						"butler.services.upper.queue_out_wait=300ms")
				.run((context) -> {
					ButlerComponent upper = component(context);
					await().atMost(Duration.ofSeconds(5))
						.until(() -> QueueTestSupport.queues(upper).get(0).state() == QueueSnapshot.State.STALLED);
					QueueSnapshot stalled = QueueTestSupport.queues(upper).get(0);
					assertThat(stalled.lastError()).contains("No space left on device", done.incoming().toString());
					assertThat(stalled.counts().failures()).isPositive();
					assertThat(in.incoming().resolve(name)).hasContent("hello");
					assertThat(done.countIncoming()).isZero();
					Files.delete(filler);
					await().atMost(Duration.ofSeconds(5)).until(() -> done.countIncoming() == 1);
					assertThat(done.incoming().resolve(name)).hasContent("HELLO");
					assertThat(QueueTestSupport.queues(upper).get(0).state()).isEqualTo(QueueSnapshot.State.ACTIVE);
				});
		}
		finally {
			FileSystemFaults.unmount(mount);
		}
	}

	@Test
	void aNextQueueThatRefusesWritesAtStartShouldFailTheStartNamingIt() throws IOException {
		DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
		FileSystemFaults.denyWrites(done.incoming());
		try {
			runner().withPropertyValues("butler.services.upper.auto-startup=false").run((context) -> {
				ButlerComponent upper = component(context);
				assertThat(org.assertj.core.api.Assertions.catchThrowable(upper::start)).isNotNull();
				assertThat(upper.state()).isEqualTo(State.ABORTED);
				assertThat(String.join("\n", upper.details()))
					.contains("Cannot open queue directory '" + done.incoming() + "': it is not writable");
			});
		}
		finally {
			FileSystemFaults.allowWrites(done.incoming());
		}
	}

	@Test
	void aNextQueueThatRefusesWritesWhileRunningShouldStallTheServiceAndKeepTheMessage() throws IOException {
		DirectoryQueue in = DirectoryQueue.open(this.spool.resolve("upper"));
		DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
		try {
			runner().withPropertyValues("butler.services.upper.queue_out_wait=300ms").run((context) -> {
				ButlerComponent upper = component(context);
				await().atMost(Duration.ofSeconds(5)).until(() -> upper.state() == State.RUNNING);
				FileSystemFaults.denyWrites(done.incoming());
				String name = in.enqueue(bytes("keep"));
				await().atMost(Duration.ofSeconds(5))
					.until(() -> QueueTestSupport.queues(upper).get(0).state() == QueueSnapshot.State.STALLED);
				assertThat(QueueTestSupport.queues(upper).get(0).lastError()).contains("hand on message to", done.incoming().toString());
				assertThat(in.incoming().resolve(name)).hasContent("keep");
				FileSystemFaults.allowWrites(done.incoming());
				await().atMost(Duration.ofSeconds(5)).until(() -> done.countIncoming() == 1);
				assertThat(done.incoming().resolve(name)).hasContent("keep");
			});
		}
		finally {
			FileSystemFaults.allowWrites(done.incoming());
		}
	}

	@Test
	void queuesOnDifferentFileSystemsShouldFailTheStartNamingBoth() throws IOException {
		Path mount = FileSystemFaults.mountTmpfs(this.spool, "1m");
		try {
			this.contextRunner
				.withPropertyValues("butler.spool-dir=" + this.spool, "butler.services.upper.queue_out_dir=" + mount,
						"butler.services.upper.auto-startup=false")
				.run((context) -> {
					ButlerComponent upper = component(context);
					assertThat(org.assertj.core.api.Assertions.catchThrowable(upper::start)).isNotNull();
					assertThat(upper.state()).isEqualTo(State.ABORTED);
					assertThat(String.join("\n", upper.details())).contains("is on another filesystem than",
							"butler.services.upper.queue-out-dir", mount.toString(), this.spool.resolve("upper").toString());
				});
		}
		finally {
			FileSystemFaults.unmount(mount);
		}
	}

	@Test
	void badOptionsShouldFailNamingTheProperty() {
		runner().withPropertyValues("butler.services.upper.queue_out_limit=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Invalid value '0' for property 'butler.services.upper.queue-out-limit': must be at least 1");
		});
		runner().withPropertyValues("butler.services.upper.queue_in_perms=rwz").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Invalid value 'rwz' for property 'butler.services.upper.queue-in-perms': "
						+ "expected octal digits such as 770 or a form such as rwxrwx---");
		});
		runner().withPropertyValues("butler.services.upper.queue_out_dir=upper").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("must not be the queue the service consumes");
		});
		runner().withPropertyValues("butler.services.upper.max-recoveries=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Invalid value '-1' for property 'butler.services.upper.max-recoveries': must be 0 or more");
		});
		runner().withPropertyValues("butler.services.upper.retry-wait=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Invalid value 'PT0S' for property 'butler.services.upper.retry-wait': must be positive");
		});
	}

	@Test
	void twoServicesOnOneQueueShouldProcessEveryMessageOnce() throws IOException {
		DirectoryQueue in = DirectoryQueue.open(this.spool.resolve("shared"));
		List<byte[]> contents = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			contents.add(bytes("m" + i));
		}
		in.enqueueAll(contents);
		runner().withUserConfiguration(SecondUpper.class)
			.withPropertyValues("butler.services.upper.queue_in_dir=shared", "butler.services.upper-2.queue_in_dir=shared",
					"butler.services.upper-2.queue_out_dir=done")
			.run((context) -> {
				DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
				await().atMost(Duration.ofSeconds(20)).until(() -> done.countIncoming() == 500);
				List<String> seen = new ArrayList<>();
				context.getBeansOfType(Upper.class).values().forEach((service) -> {
					assertThat(service.seen).as("messages of each instance").isNotEmpty();
					seen.addAll(service.seen);
				});
				assertThat(seen).hasSize(500).doesNotHaveDuplicates();
			});
	}

	@Test
	void aMessageWhoseConsumersKeptEndingShouldBeBanishedWhenTheServiceStarts() throws IOException {
		DirectoryQueue in = DirectoryQueue.open(this.spool.resolve("upper"));
		Path ended = EndedConsumers.directory(in);
		Files.writeString(ended.resolve("poison+r2"), "poison");
		Files.writeString(ended.resolve("survivor+r1"), "survivor");
		runner().withPropertyValues("butler.services.upper.max_recoveries=2").run((context) -> {
			DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
			await().atMost(Duration.ofSeconds(10)).until(() -> done.countIncoming() == 1);
			assertThat(done.incoming().resolve("survivor")).hasContent("SURVIVOR");
			assertThat(in.errors().resolve("poison")).hasContent("poison");
			JsonNode meta = JsonMapper.shared().readTree(in.errors().resolve("poison.meta").toFile());
			assertThat(meta.get("reason").asString()).startsWith("Recovered 2 time(s) from consumers that ended")
				.contains(ended.getFileName().toString(), "at most 2 recoveries");
			assertThat(context.getBean(Upper.class).seen).containsExactly("survivor");
			QueueSnapshot snapshot = QueueTestSupport.queues(component(context)).get(0);
			assertThat(snapshot.counts().recovered()).isEqualTo(1);
			assertThat(snapshot.counts().banished()).isEqualTo(1);
		});
	}

	@Test
	void twoServicesHandingOnMessagesOfOneNameShouldDeliverBoth() throws IOException {
		DirectoryQueue left = DirectoryQueue.open(this.spool.resolve("left"));
		DirectoryQueue right = DirectoryQueue.open(this.spool.resolve("right"));
		Files.writeString(left.incoming().resolve("same"), "from left");
		Files.writeString(right.incoming().resolve("same"), "from right");
		runner().withUserConfiguration(SecondUpper.class)
			.withPropertyValues("butler.services.upper.queue_in_dir=left", "butler.services.upper-2.queue_in_dir=right",
					"butler.services.upper-2.queue_out_dir=done")
			.run((context) -> {
				DirectoryQueue done = DirectoryQueue.open(this.spool.resolve("done"));
				await().atMost(Duration.ofSeconds(10)).until(() -> done.countIncoming() == 2);
				List<String> contents = new ArrayList<>();
				try (Stream<Path> files = Files.list(done.incoming())) {
					for (Path file : files.sorted().toList()) {
						assertThat(file.getFileName().toString()).isIn("same", "same+2");
						contents.add(Files.readString(file));
					}
				}
				assertThat(contents).containsExactlyInAnyOrder("FROM LEFT", "FROM RIGHT");
			});
	}

	@Test
	void stoppingTheServiceShouldReturnMessagesWaitingForARetryToTheQueue() throws IOException {
		DirectoryQueue in = DirectoryQueue.open(this.spool.resolve("upper"));
		String name = in.enqueue(bytes("fail"));
		runner().withPropertyValues("butler.services.upper.max_attempts=5", "butler.services.upper.retry-wait=1h")
			.run((context) -> {
				ButlerComponent upper = component(context);
				await().atMost(Duration.ofSeconds(5)).until(() -> QueueTestSupport.queues(upper).get(0).counts().processed() == 1);
				assertThat(in.countIncoming()).isZero();
				upper.stop();
				assertThat(in.incoming().resolve(name)).hasContent("fail");
				assertThat(QueueTestSupport.queues(upper).get(0).state()).isEqualTo(QueueSnapshot.State.CLOSED);
				try (Stream<Path> pending = Files.list(in.pending())) {
					assertThat(pending).isEmpty();
				}
			});
	}

	private static void drain(DirectoryQueue queue, int count) throws IOException {
		try (Stream<Path> files = Files.list(queue.incoming())) {
			for (Path file : files.sorted().limit(count).toList()) {
				Files.delete(file);
			}
		}
	}

	private static ButlerComponent component(org.springframework.context.ApplicationContext context) {
		return context.getBean(ButlerComponents.class).find("upper").orElseThrow();
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@ButlerService("upper")
	static class Upper extends PiperService<Void> {

		final List<String> seen = new CopyOnWriteArrayList<>();

		private final Map<String, Integer> failures = new ConcurrentHashMap<>();

		@Override
		protected Disposition process(QueueMessage message) throws Exception {
			this.seen.add(message.name());
			String text = new String(message.content(), StandardCharsets.UTF_8);
			switch (text) {
				case "drop":
					return Disposition.cancel();
				case "keep":
					return Disposition.commit();
				case "bad":
					return Disposition.banish("refused: bad");
				case "fail":
					throw new IllegalStateException("cannot process 'fail'");
				case "flaky":
					if (this.failures.merge(message.name(), 1, Integer::sum) == 1) {
						throw new IllegalStateException("first attempt fails");
					}
					break;
				default:
					break;
			}
			return Disposition.commit(bytes(text.toUpperCase(Locale.ROOT)));
		}

	}

	@ButlerService("upper-2")
	static class SecondUpper extends Upper {

	}


	private static int count(CapturedOutput output, String text) {
		return output.getAll().split(Pattern.quote(text), -1).length - 1;
	}

}

package dev.butler.actuate.endpoint;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.butler.pipe.PipeCounts;
import dev.butler.pipe.PipeMode;
import dev.butler.pipe.PipeRole;
import dev.butler.pipe.PipeSnapshot;
import dev.butler.pipe.PipeState;
import dev.butler.queue.QueueCounts;
import dev.butler.queue.QueueSnapshot;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that pipes and queues serialize themselves in {@code /actuator/butler} with the fields,
 * in the order, that the endpoint has always shown.
 */
class ResourceJsonTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void pipeShouldShowItsCountsInLine() {
		PipeSnapshot pipe = new PipeSnapshot("output", "numbers", PipeRole.PRODUCER, PipeMode.BIND, "tcp://x:1", null,
				"text/plain", 50, PipeState.OPEN, null, List.of(), new PipeCounts(1, 2, 3, 4, 5, 6, 7));
		JsonNode node = this.json.valueToTree(pipe);
		assertThat(fieldNames(node)).containsExactly("name", "pipe", "role", "mode", "address", "peer", "dataFormat",
				"batchSize", "state", "closeCode", "closeDetails", "messages", "bytes", "batches", "refused",
				"dropped", "stalls", "rejected");
		assertThat(node.get("messages").asLong()).isEqualTo(1);
		assertThat(node.get("stalls").asLong()).isEqualTo(6);
		assertThat(node.get("rejected").asLong()).isEqualTo(7);
		assertThat(node.get("role").asString()).isEqualTo("PRODUCER");
	}

	@Test
	void queueShouldShowItsCountsInLineWithoutClaimed() {
		QueueSnapshot queue = new QueueSnapshot("queue-in", "/q", null, "c1", QueueSnapshot.State.ACTIVE, true, 7,
				new QueueCounts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), null);
		JsonNode node = this.json.valueToTree(queue);
		assertThat(fieldNames(node)).containsExactly("name", "directory", "next", "consumer", "state", "watching",
				"backlog", "enqueued", "processed", "committed", "handedOn", "banished", "skipped", "released",
				"recovered", "failures", "lastError");
		assertThat(node.get("skipped").asLong()).isEqualTo(3);
		assertThat(node.get("failures").asLong()).isEqualTo(10);
	}

	private static List<String> fieldNames(JsonNode node) {
		List<String> names = new ArrayList<>();
		node.propertyNames().forEach(names::add);
		return names;
	}

}

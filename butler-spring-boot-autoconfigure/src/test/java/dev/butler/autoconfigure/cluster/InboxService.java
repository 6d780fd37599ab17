package dev.butler.autoconfigure.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.QueueException;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.service.ResourceSnapshot;
import dev.butler.service.ServiceContext;
import dev.butler.service.ServiceResource;

/**
 * A service for cluster tests with a real directory queue as its resource, which it does not
 * consume: the test fills, drains and banishes, and its backlog and banished messages are what the
 * queue holds in incoming/ and errors/.
 */
@ButlerService(oid = "1.3.6.1.4.1.32473.1.9", name = "test.inbox", version = "1.0.0", classification = "test/inbox",
		description = "Inbox for cluster tests", vendor = "7ab3c2b4-1d4e-5c7a-9a3e-0a1b2c3d4e5f")
class InboxService implements MicroService<InboxService.Config> {

	@Override
	public void initialize(Config config, ServiceContext context) {
		context.addResource(new ServiceResource() {

			private DirectoryQueue queue;

			@Override
			public void open() throws Exception {
				this.queue = DirectoryQueue.open(config.dir());
			}

			@Override
			public void close(String reason) {
			}

			@Override
			public ResourceSnapshot describe() {
				try {
					return new InboxSnapshot(this.queue.backlog(), this.queue.countErrors());
				}
				catch (QueueException ex) {
					return new InboxSnapshot(this.queue.backlog(), 0);
				}
			}

		});
	}

	record Config(Path dir) {

	}

	record InboxSnapshot(long backlog, long banished) implements ResourceSnapshot {

		@Override
		public String kind() {
			return "queue";
		}

		@Override
		public String name() {
			return "inbox";
		}

		@Override
		public List<Count> counters() {
			return List.of(new Count("messages", Map.of("outcome", "banished"), this.banished, false, null,
					"Messages banished to errors/"));
		}

		@Override
		public List<Level> gauges() {
			return List.of(new Level("backlog", this.backlog, "Messages waiting"));
		}

	}

}

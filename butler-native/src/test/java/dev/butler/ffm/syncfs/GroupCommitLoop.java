package dev.butler.ffm.syncfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.butler.queue.DirectoryQueue;
import dev.butler.queue.QueueFiles;

/**
 * A process that enqueues groups of messages into a queue until it is killed, for
 * {@link SyncFsKillTests}: {@code GroupCommitLoop <queue directory>}.
 */
public final class GroupCommitLoop {

	private GroupCommitLoop() {
	}

	public static void main(String[] args) throws Exception {
		DirectoryQueue queue = DirectoryQueue.open(Path.of(args[0]));
		System.out.println("Group commits with " + queue.fileSystemSync().name());
		Random random = new Random();
		for (long group = 1;; group++) {
			List<byte[]> contents = new ArrayList<>();
			int count = 2 + random.nextInt(60);
			for (int i = 0; i < count; i++) {
				contents.add(QueueFiles.message(4 + random.nextInt(64 * 1024)));
			}
			queue.enqueueAll(contents);
			if (group % 10 == 0) {
				System.out.println("Enqueued " + group + " groups");
			}
		}
	}

}

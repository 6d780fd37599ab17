package dev.butler.queue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

import dev.butler.service.ButlerService;

/**
 * A piper run in a JVM of its own by {@link PiperAcrossProcessesTests}: passes each message on
 * upper-cased and appends its name to a journal file of its process before disposing of it, so the
 * test can count how often each message was processed. A message {@code halt} ends the process at
 * once, as a message that crashes its consumer would.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(JournalingPiperApplication.Journaling.class)
public class JournalingPiperApplication {

	public static void main(String[] args) {
		SpringApplication.run(JournalingPiperApplication.class, args);
	}

	@ButlerService("journaling")
	static class Journaling extends PiperService<Journaling.Config> {

		private static final byte[] HALT = "halt".getBytes(StandardCharsets.UTF_8);

		private FileOutputStream journal;

		@Override
		protected void prepare(Config config, dev.butler.service.ServiceContext context) throws IOException {
			this.journal = new FileOutputStream(
					config.journalDir().resolve("journal-" + ProcessHandle.current().pid() + ".log").toFile(), true);
		}

		@Override
		protected Disposition process(QueueMessage message) throws IOException {
			byte[] content = message.content();
			this.journal.write((message.name() + "\n").getBytes(StandardCharsets.UTF_8));
			if (Arrays.equals(content, HALT)) {
				Runtime.getRuntime().halt(3);
			}
			return Disposition.commit(new String(content, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
		}

		record Config(Path journalDir) {

		}

	}

}

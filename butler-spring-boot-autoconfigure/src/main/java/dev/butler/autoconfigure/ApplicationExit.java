package dev.butler.autoconfigure;

import java.util.function.IntConsumer;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import dev.butler.runtime.ButlerThreads;

/**
 * Closes the application and ends the process with an exit code, on a thread of its own,
 * {@code butler-shutdown}: closing the context stops the services and the scheduler, so it must not
 * run on one of their threads.
 */
public final class ApplicationExit {

	private final ButlerThreads threads;

	private final ConfigurableApplicationContext context;

	private final IntConsumer exit;

	/**
	 * Create an exit of the given application.
	 * @param threads where the shutdown thread comes from
	 * @param context the application to close
	 * @param exit what ends the process, {@code System::exit} but in tests
	 */
	public ApplicationExit(ButlerThreads threads, ConfigurableApplicationContext context, IntConsumer exit) {
		this.threads = threads;
		this.context = context;
		this.exit = exit;
	}

	/**
	 * Close the application, then end the process with the exit code.
	 * @param exitCode the exit code
	 */
	public void exit(int exitCode) {
		this.threads.start("butler-shutdown", false,
				() -> this.exit.accept(SpringApplication.exit(this.context, () -> exitCode)));
	}

}

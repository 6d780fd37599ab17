package dev.butler.standard;

import java.util.List;
import java.util.Optional;

import org.springframework.core.annotation.MergedAnnotations;

import dev.butler.service.AgentIdentity;
import dev.butler.service.ButlerService;
import dev.butler.service.MicroService;
import dev.butler.standard.binary.BinaryReaderService;
import dev.butler.standard.binary.BinaryWriterService;
import dev.butler.standard.command.CommandService;
import dev.butler.standard.queue.QueueReaderService;
import dev.butler.standard.queue.QueueWriterService;
import dev.butler.standard.text.TextLineFilterService;
import dev.butler.standard.text.TextReaderService;
import dev.butler.standard.text.TextWriterService;

/**
 * The standard services: those compatible with Saturnin's {@code saturnin-core} services of the same
 * agent uid, and this project's own: the bridges between data pipes and directory queues, and the
 * service that runs an external command. Run one under any id with
 * {@code butler.services.<id>.agent=<name or uid>}.
 */
public final class StandardServices {


	private static final List<Class<? extends MicroService<?>>> SERVICES = List.of(
			BinaryReaderService.class,
			BinaryWriterService.class,
			TextReaderService.class,
			TextWriterService.class,
			TextLineFilterService.class,
			QueueWriterService.class,
			QueueReaderService.class,
			CommandService.class);

	private StandardServices() {
	}

	/**
	 * Return the standard service classes.
	 * @return the service classes, each annotated with {@link ButlerService}
	 */
	public static List<Class<? extends MicroService<?>>> all() {
		return SERVICES;
	}

	/**
	 * Find a standard service by its agent name (e.g. {@code saturnin.text.reader}) or uid.
	 * @param agent the agent name or uid
	 * @return the service class, or empty if none has that name or uid
	 */
	public static Optional<Class<? extends MicroService<?>>> find(String agent) {
		for (Class<? extends MicroService<?>> service : SERVICES) {
			ButlerService annotation = MergedAnnotations.from(service).get(ButlerService.class).synthesize();
			if (agent.equals(annotation.name())
					|| agent.equalsIgnoreCase(AgentIdentity.uid(annotation.name(), annotation).toString())) {
				return Optional.of(service);
			}
		}
		return Optional.empty();
	}

	/**
	 * Return the names of the standard services, for error messages.
	 * @return the agent names
	 */
	public static List<String> names() {
		return SERVICES.stream()
			.map((service) -> MergedAnnotations.from(service).get(ButlerService.class).getString("name"))
			.toList();
	}

}

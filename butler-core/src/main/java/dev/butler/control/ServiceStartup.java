package dev.butler.control;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ApplicationContextEvent;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.ContextStartedEvent;

import dev.butler.runtime.ButlerThreads;

/**
 * Starts the components of the application when it starts, in waves by their dependencies: a
 * component starts once every component it depends on is running, and the components of a wave
 * start at once, up to a bound, on threads {@code butler-start-N}. A wave is started in the order
 * of the beans; with a bound of one, every component starts on the calling thread, one after the
 * other.
 * <p>
 * It runs in the phase just before the components' own ({@link #PHASE}), so that when Spring
 * reaches theirs it finds them started: the start of that phase only repeats the outcome of this
 * one for each component, and a start after it is a start again. When a component that is not
 * optional fails, the components that began starting in its wave finish starting, no other
 * component is started, and the start of its phase throws the component's failure, so that the
 * application fails naming its bean, as it would without this; Spring then stops what runs. An
 * optional component that fails is logged and left down, and a component that depends on it then
 * fails to start in turn, as it would at any other start.
 * Stopping is left to the components' phase: the local services stop their dependents first.
 */
public final class ServiceStartup implements SmartLifecycle, ApplicationListener<ApplicationContextEvent> {

	/** The phase just before the components'. */
	public static final int PHASE = ManagedMicroService.DEFAULT_PHASE - 1;

	private static final Log logger = LogFactory.getLog(ServiceStartup.class);

	private static final Runnable NOTHING = () -> {
	};

	private final Supplier<List<ButlerComponent>> components;

	private final ButlerThreads threads;

	private final int concurrency;

	private final Function<String, List<String>> startsAfter;

	private final AtomicInteger threadCount = new AtomicInteger();

	/** The components whose next start repeats the outcome of this one's. */
	private final Queue<ButlerComponent> handedOver = new ConcurrentLinkedQueue<>();

	private volatile boolean running;

	/**
	 * Create a start-up.
	 * @param components the components, in the order of their beans
	 * @param threads where the starting threads come from
	 * @param concurrency how many components start at once, at least 1
	 */
	public ServiceStartup(Supplier<List<ButlerComponent>> components, ButlerThreads threads, int concurrency) {
		this(components, threads, concurrency, (id) -> List.of());
	}

	/**
	 * Create a start-up that also keeps an order between components that do not depend on each
	 * other, e.g. the services of a supervision group, which start in the order listed.
	 * @param components the components, in the order of their beans
	 * @param threads where the starting threads come from
	 * @param concurrency how many components start at once, at least 1
	 * @param startsAfter the ids of the components that a component, by id, starts after, beside
	 * those it depends on
	 */
	public ServiceStartup(Supplier<List<ButlerComponent>> components, ButlerThreads threads, int concurrency,
			Function<String, List<String>> startsAfter) {
		this.startsAfter = startsAfter;
		if (concurrency < 1) {
			throw new IllegalArgumentException("Concurrency must be at least 1, not " + concurrency);
		}
		this.components = components;
		this.threads = threads;
		this.concurrency = concurrency;
	}

	/**
	 * Start every component that starts with the application and is not running yet, wave by wave,
	 * until a component that is not optional fails: the start of its phase then throws its failure
	 * again, naming its bean, and none of the components left is started.
	 * @throws RuntimeException the failure of a component of another type than ours, which the start of
	 * its phase cannot repeat
	 */
	@Override
	public void start() {
		List<ButlerComponent> toStart = this.components.get()
			.stream()
			.filter((component) -> component.isAutoStartup() && !component.isRunning())
			.toList();
		boolean failed = false;
		for (List<ButlerComponent> wave : waves(toStart, this.startsAfter)) {
			if (failed) {
				wave.forEach((component) -> insteadOfNextStart(component, NOTHING));
			}
			else {
				logger.debug("Starting Butler components " + wave.stream().map(ButlerComponent::id).toList());
				failed = !startWave(wave);
			}
		}
		this.running = true;
	}

	/**
	 * Order components so that each comes after those of them it depends on, else in the order
	 * given: the waves of a start, one after the other.
	 * @param components the components
	 * @param <T> their type
	 * @return the same components, in that order, in a new list
	 * @throws IllegalStateException if they depend on each other in a circle
	 */
	@SuppressWarnings("unchecked")
	public static <T extends ButlerComponent> List<T> inDependencyOrder(List<T> components) {
		List<T> ordered = new ArrayList<>();
		for (List<ButlerComponent> wave : waves(List.copyOf(components), (id) -> List.of())) {
			wave.forEach((component) -> ordered.add((T) component));
		}
		return ordered;
	}

	/**
	 * Split the components into waves: each component comes in the wave after the last of those it
	 * depends on or starts after, in the order given.
	 */
	static List<List<ButlerComponent>> waves(List<ButlerComponent> components,
			Function<String, List<String>> startsAfter) {
		Set<ButlerComponent> remaining = new LinkedHashSet<>(components);
		List<List<ButlerComponent>> waves = new ArrayList<>();
		while (!remaining.isEmpty()) {
			Set<String> remainingIds = remaining.stream().map(ButlerComponent::id).collect(Collectors.toSet());
			List<ButlerComponent> ready = remaining.stream()
				.filter((component) -> dependenciesOf(component).stream().noneMatch(remaining::contains))
				.toList();
			List<ButlerComponent> inOrder = ready.stream()
				.filter((component) -> startsAfter.apply(component.id()).stream().noneMatch(remainingIds::contains))
				.toList();
			// The order of a group yields to depends-on where they disagree.
			List<ButlerComponent> wave = inOrder.isEmpty() ? ready : inOrder;
			if (wave.isEmpty()) {
				throw new IllegalStateException("The Butler services depend on each other in a circle: "
						+ remaining.stream().map(ButlerComponent::id).toList());
			}
			wave.forEach(remaining::remove);
			waves.add(wave);
		}
		return waves;
	}

	private static List<ButlerComponent> dependenciesOf(ButlerComponent component) {
		return (component instanceof ManagedMicroService service) ? service.dependencies() : List.of();
	}

	/**
	 * Start the components of a wave; return whether none failed. Each component tried, or left out
	 * after a failure, has the start of its phase repeat the outcome.
	 */
	private boolean startWave(List<ButlerComponent> wave) {
		Map<ButlerComponent, Throwable> failures = new ConcurrentHashMap<>();
		if (this.concurrency == 1 || wave.size() == 1) {
			for (ButlerComponent component : wave) {
				if (!startOne(component, failures)) {
					break;
				}
			}
		}
		else {
			Queue<ButlerComponent> pending = new ConcurrentLinkedQueue<>(wave);
			int workers = Math.min(this.concurrency, wave.size());
			CountDownLatch done = new CountDownLatch(workers);
			for (int i = 0; i < workers; i++) {
				this.threads.start("butler-start-" + this.threadCount.incrementAndGet(), true, () -> {
					try {
						ButlerComponent next;
						while (failures.isEmpty() && (next = pending.poll()) != null) {
							startOne(next, failures);
						}
					}
					finally {
						done.countDown();
					}
				});
			}
			awaitWave(done, wave);
		}
		List<Throwable> unrepeatable = new ArrayList<>();
		for (ButlerComponent component : wave) {
			Throwable failure = failures.get(component);
			Runnable repeat = (failure != null) ? () -> rethrow(failure) : NOTHING;
			if (!insteadOfNextStart(component, repeat) && failure != null) {
				unrepeatable.add(failure);
			}
		}
		if (!unrepeatable.isEmpty()) {
			rethrow(unrepeatable.get(0));
		}
		return failures.isEmpty();
	}

	private static void rethrow(Throwable failure) {
		if (failure instanceof Error error) {
			throw error;
		}
		throw (RuntimeException) failure;
	}

	/**
	 * Start a component, recording its failure; return whether it did not fail.
	 */
	private boolean startOne(ButlerComponent component, Map<ButlerComponent, Throwable> failures) {
		try {
			component.start();
			return true;
		}
		catch (RuntimeException | Error ex) {
			failures.put(component, ex);
			return false;
		}
	}

	/**
	 * The phase of the components has started: a start is a start again.
	 */
	@Override
	public void onApplicationEvent(ApplicationContextEvent event) {
		if (event instanceof ContextRefreshedEvent || event instanceof ContextStartedEvent) {
			ButlerComponent component;
			while ((component = this.handedOver.poll()) != null) {
				insteadOfNextStart(component, null);
			}
		}
	}

	/**
	 * Have the next start of a component run {@code instead}; return whether the component is of a
	 * type that can.
	 */
	private boolean insteadOfNextStart(ButlerComponent component, @Nullable Runnable instead) {
		if (component instanceof ManagedMicroService service) {
			service.insteadOfNextStart(instead);
		}
		else if (component instanceof ForeignComponent foreign) {
			foreign.insteadOfNextStart(instead);
		}
		else {
			return false;
		}
		if (instead != null) {
			this.handedOver.add(component);
		}
		return true;
	}

	private static void awaitWave(CountDownLatch done, List<ButlerComponent> wave) {
		try {
			done.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ComponentControlException("Interrupted while starting Butler components "
					+ wave.stream().map(ButlerComponent::id).toList(), ex);
		}
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

package dev.butler.autoconfigure;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import dev.butler.pipe.FilterPipeOptions;
import dev.butler.pipe.PipeOptions;
import dev.butler.queue.PiperOptions;
import dev.butler.standard.queue.QueueReaderService;
import dev.butler.standard.queue.QueueWriterService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the one rule for durations and sizes: a value with a unit ({@code 500ms}, {@code 10s},
 * {@code 64KB}) means what it says, and a bare number means the unit of the key, the one Saturnin or
 * Mentat uses for it.
 */
class DurationAndSizeUnitsTests {

	private static final String PREFIX = "butler.services.stage";

	@Test
	void pipeDurationsShouldBeMillisecondsWhenBare() {
		PipeOptions options = bind(PipeOptions.class, Map.of("ready-schedule-interval", "250", "peer-timeout",
				"1500", "open-timeout", "2s", "close_timeout", "750ms"));
		assertThat(options.readyScheduleInterval()).isEqualTo(Duration.ofMillis(250));
		assertThat(options.peerTimeout()).isEqualTo(Duration.ofMillis(1500));
		assertThat(options.openTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(options.closeTimeout()).isEqualTo(Duration.ofMillis(750));
	}

	@Test
	void filterPipeDurationsShouldBeMillisecondsWhenBare() {
		FilterPipeOptions options = bind(FilterPipeOptions.class,
				Map.of("input-ready-schedule-interval", "300", "output-ready-schedule-interval", "1m"));
		assertThat(options.inputReadyScheduleInterval()).isEqualTo(Duration.ofMillis(300));
		assertThat(options.outputReadyScheduleInterval()).isEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void queueDurationsShouldBeSecondsWhenBareAsInMentat() {
		QueueReaderService.Config reader = bind(QueueReaderService.Config.class,
				Map.of("queue-in-dir", "in", "queue-in-wait", "5"));
		QueueWriterService.Config writer = bind(QueueWriterService.Config.class,
				Map.of("queue-out-dir", "out", "queue-out-wait", "500ms"));
		PiperOptions piper = bind(PiperOptions.class, Map.of("queue-in-wait", "2m", "retry-wait", "3", "queue-out-wait", "15"));
		assertThat(reader.queueInWait()).isEqualTo(Duration.ofSeconds(5));
		assertThat(writer.queueOutWait()).isEqualTo(Duration.ofMillis(500));
		assertThat(piper.queueInWait()).isEqualTo(Duration.ofMinutes(2));
		assertThat(piper.retryWait()).isEqualTo(Duration.ofSeconds(3));
		assertThat(piper.queueOutWait()).isEqualTo(Duration.ofSeconds(15));
	}

	@Test
	void defaultsShouldKeepTheirUnits() {
		PipeOptions pipe = bind(PipeOptions.class, Map.of());
		PiperOptions piper = bind(PiperOptions.class, Map.of());
		ButlerProperties properties = bindButler(Map.of());
		assertThat(pipe.readyScheduleInterval()).isEqualTo(Duration.ofSeconds(1));
		assertThat(piper.queueInWait()).isEqualTo(Duration.ofSeconds(30));
		assertThat(piper.retryWait()).isEqualTo(Duration.ofSeconds(1));
		assertThat(properties.zmq().maxMessageSize()).isEqualTo(DataSize.ofMegabytes(64));
		assertThat(properties.service("any").warmUpTimeout()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void runtimeDurationsShouldBeMillisecondsAndSizesBytesWhenBare() {
		ButlerProperties bare = bindButler(Map.of("butler.zmq.handshake-interval", "1500",
				"butler.zmq.max-message-size", "1024", "butler.services.stage.warm-up-timeout", "2500",
				"butler.services.stage.stop-timeout", "300", "butler.components.peer.warm-up-timeout", "4000"));
		ButlerProperties suffixed = bindButler(Map.of("butler.zmq.handshake-interval", "2s",
				"butler.zmq.max-message-size", "64KB", "butler.services.stage.warm-up-timeout", "1m",
				"butler.services.stage.stop-timeout", "500ms", "butler.components.peer.warm-up-timeout", "45s"));
		assertThat(bare.zmq().handshakeInterval()).isEqualTo(Duration.ofMillis(1500));
		assertThat(bare.zmq().maxMessageSize()).isEqualTo(DataSize.ofBytes(1024));
		assertThat(bare.service("stage").warmUpTimeout()).isEqualTo(Duration.ofMillis(2500));
		assertThat(bare.service("stage").stopTimeout()).isEqualTo(Duration.ofMillis(300));
		assertThat(bare.components().get("peer").warmUpTimeout()).isEqualTo(Duration.ofSeconds(4));
		assertThat(suffixed.zmq().handshakeInterval()).isEqualTo(Duration.ofSeconds(2));
		assertThat(suffixed.zmq().maxMessageSize()).isEqualTo(DataSize.ofKilobytes(64));
		assertThat(suffixed.service("stage").warmUpTimeout()).isEqualTo(Duration.ofMinutes(1));
		assertThat(suffixed.service("stage").stopTimeout()).isEqualTo(Duration.ofMillis(500));
		assertThat(suffixed.components().get("peer").warmUpTimeout()).isEqualTo(Duration.ofSeconds(45));
	}

	private static <T> T bind(Class<T> type, Map<String, String> options) {
		Map<String, String> properties = new HashMap<>();
		options.forEach((key, value) -> properties.put(PREFIX + "." + key, value));
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate(PREFIX, Bindable.of(type));
	}

	private static ButlerProperties bindButler(Map<String, String> properties) {
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("butler",
				Bindable.of(ButlerProperties.class));
	}

}

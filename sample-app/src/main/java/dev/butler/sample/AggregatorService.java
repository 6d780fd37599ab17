package dev.butler.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.sample.ReadingWindow.Statistics;
import dev.butler.service.ButlerService;
import dev.butler.service.Channel;
import dev.butler.service.ConfigurationRequest;
import dev.butler.service.MicroService;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

/**
 * Subscribes to the readings of a {@link SensorService sensor} at {@code source}, keeps statistics
 * of the last {@code window} of them and answers queries on a ROUTER socket bound to
 * {@code address}: a {@code stats} request from a DEALER (or REQ) client gets the statistics as one
 * line of JSON. Every {@code report-interval} it logs a summary.
 * <p>
 * The window can be changed at run time with the option {@code window} of an ICCP REQUEST/CONF;
 * the change lasts until the service is restarted.
 */
@ButlerService(id = "aggregator", oid = "2.25.156454599572089037576074315226745361353.2",
		vendor = SampleApplication.VENDOR,
		name = "sample.aggregator", version = "0.1.0", classification = "sample/aggregator",
		description = "Keeps rolling statistics of sensor readings and answers queries about them")
class AggregatorService implements MicroService<AggregatorService.Config> {

	/** The largest window, in readings. */
	static final int MAX_WINDOW = 10_000;

	/** The query answered with the statistics. */
	static final String STATS = "stats";

	private static final String READINGS = "readings";

	private static final String QUERY = "query";

	private static final String WINDOW_OPTION = "window";

	private static final Log logger = LogFactory.getLog(AggregatorService.class);

	private ServiceContext context;

	private Config config;

	private Channel readings;

	private ReadingWindow window;

	private ScheduledAction reporting;

	@Override
	public void initialize(Config config, ServiceContext context) {
		if (config.reportInterval().isNegative()) {
			throw new ServiceConfigurationException(context.propertyName("report-interval"), config.reportInterval(),
					"must not be negative (zero turns reports off)");
		}
		this.context = context;
		this.config = config;
		this.window = new ReadingWindow(config.window());
		this.readings = context.createChannel(READINGS, ZmqSocketType.SUB, this::onReading);
		this.readings.socket().subscribe(Reading.TOPIC.getBytes(StandardCharsets.UTF_8));
		context.createChannel(QUERY, ZmqSocketType.ROUTER, this::onQuery);
		context.addEndpoint(QUERY, config.address());
	}

	@Override
	public void acquireResources() {
		this.readings.connect(this.config.source());
	}

	@Override
	public void startActivities() {
		if (!this.config.reportInterval().isZero()) {
			this.reporting = this.context.scheduleWithFixedDelay("report", this::report, this.config.reportInterval());
		}
	}

	@Override
	public void stopActivities() {
		if (this.reporting != null) {
			this.reporting.cancel();
			this.reporting = null;
		}
	}

	@Override
	public void handleConfigRequest(ConfigurationRequest request) {
		Map<String, Object> options = request.options();
		for (String option : options.keySet()) {
			if (!WINDOW_OPTION.equals(option)) {
				throw new IllegalArgumentException(
						"Unknown option '" + option + "': the aggregator accepts only '" + WINDOW_OPTION + "'");
			}
		}
		Object value = options.get(WINDOW_OPTION);
		if (value != null) {
			int size = windowSize(value);
			this.window.resize(size);
			logger.info("Aggregator window changed to " + size + " readings");
		}
	}

	private static int windowSize(Object value) {
		Long size = null;
		if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
			size = ((Number) value).longValue();
		}
		else if (value instanceof String text) {
			size = parseLong(text);
		}
		if (size == null || size < 1 || size > MAX_WINDOW) {
			throw new IllegalArgumentException("Option '" + WINDOW_OPTION + "' must be an integer from 1 to "
					+ MAX_WINDOW + ", got '" + value + "'");
		}
		return size.intValue();
	}

	private static Long parseLong(String text) {
		try {
			return Long.valueOf(text.trim());
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private void onReading(Channel channel, List<byte[]> message) {
		try {
			this.window.add(Reading.fromMessage(message));
		}
		catch (IllegalArgumentException ex) {
			this.window.reject();
			logger.warn("Aggregator rejected a message from " + this.config.source() + ": " + ex.getMessage());
		}
	}

	private void onQuery(Channel channel, List<byte[]> message) {
		String query = new String(message.get(message.size() - 1), StandardCharsets.UTF_8).trim();
		List<byte[]> reply = new ArrayList<>(message.subList(0, message.size() - 1));
		reply.add((STATS.equals(query) ? this.window.statistics().toJson()
				: "{\"error\":\"Unknown query, expected '" + STATS + "'\"}").getBytes(StandardCharsets.UTF_8));
		if (!channel.send(reply)) {
			logger.debug("Aggregator dropped a reply: the client does not take it");
		}
	}

	private void report() {
		Statistics statistics = this.window.statistics();
		if (statistics.count() == 0) {
			logger.info("Aggregator has no readings yet from " + this.config.source());
			return;
		}
		logger.info(String.format(Locale.ROOT,
				"Last %d readings: min %.2f, max %.2f, mean %.2f (%d received, %d missed, %d rejected)",
				statistics.count(), statistics.min(), statistics.max(), statistics.mean(), statistics.received(),
				statistics.missed(), statistics.rejected()));
	}

	/**
	 * Configuration of the aggregator, bound from {@code butler.services.aggregator.*}.
	 *
	 * @param source address of the sensor's PUB socket to connect to
	 * @param address address to bind the ROUTER socket that answers queries
	 * @param window number of most recent readings the statistics cover
	 * @param reportInterval time between two summaries in the log, zero for none
	 */
	record Config(@DefaultValue("tcp://127.0.0.1:5601") @NotBlank String source,
			@DefaultValue("tcp://127.0.0.1:5602") @NotBlank String address,
			@DefaultValue("60") @Min(1) @Max(MAX_WINDOW) int window, @DefaultValue("1m") Duration reportInterval) {

	}

}

package dev.butler.sample;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.random.RandomGenerator;

import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.service.ButlerService;
import dev.butler.service.Channel;
import dev.butler.service.MicroService;
import dev.butler.service.ScheduledAction;
import dev.butler.service.ServiceConfigurationException;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

/**
 * A simulated temperature sensor: every {@code interval} it takes a {@link Reading} and publishes it
 * on a PUB socket bound to {@code address}.
 */
@ButlerService(id = "sensor", oid = "2.25.156454599572089037576074315226745361353.1",
		vendor = SampleApplication.VENDOR, name = "sample.sensor",
		version = "0.1.0", classification = "sample/sensor",
		description = "Publishes simulated temperature readings at a fixed rate")
class SensorService implements MicroService<SensorService.Config> {

	private static final String READINGS = "readings";

	private static final double BASELINE = 21.0;

	private static final double AMPLITUDE = 2.0;

	private static final int READINGS_PER_CYCLE = 60;

	private static final double NOISE = 0.1;

	private final RandomGenerator random = RandomGenerator.getDefault();

	private ServiceContext context;

	private Duration interval;

	private Channel readings;

	private ScheduledAction publishing;

	private long sequence;

	@Override
	public void initialize(Config config, ServiceContext context) {
		if (config.interval().isZero() || config.interval().isNegative()) {
			throw new ServiceConfigurationException(context.propertyName("interval"), config.interval(),
					"must be positive");
		}
		this.context = context;
		this.interval = config.interval();
		this.sequence = 0;
		this.readings = context.createChannel(READINGS, ZmqSocketType.PUB, null);
		context.addEndpoint(READINGS, config.address());
	}

	@Override
	public void startActivities() {
		this.publishing = this.context.scheduleAtFixedRate("publish", this::publish, this.interval);
	}

	@Override
	public void stopActivities() {
		if (this.publishing != null) {
			this.publishing.cancel();
			this.publishing = null;
		}
	}

	private void publish() {
		this.sequence++;
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		this.readings.send(new Reading(this.sequence, now, measure(this.sequence)).toMessage());
	}

	private double measure(long sequence) {
		double wave = AMPLITUDE * Math.sin(2 * Math.PI * sequence / READINGS_PER_CYCLE);
		double value = BASELINE + wave + NOISE * this.random.nextGaussian();
		return Math.round(value * 100) / 100.0;
	}

	/**
	 * Configuration of the sensor, bound from {@code butler.services.sensor.*}.
	 *
	 * @param address address to bind the PUB socket that readings are published on
	 * @param interval time between two readings
	 */
	record Config(@DefaultValue("tcp://127.0.0.1:5601") @NotBlank String address,
			@DefaultValue("1s") Duration interval) {

	}

}

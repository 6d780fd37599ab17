package dev.butler.sample;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.butler.service.ButlerService;
import dev.butler.service.Channel;
import dev.butler.service.DurationRange;
import dev.butler.service.MicroService;
import dev.butler.service.ServiceContext;
import dev.butler.zeromq.ZmqSocketType;

/**
 * Forwards the sensor's readings over a link that drops now and then: each run of the service
 * ends with outcome ERROR after {@code link-lifetime}, as a flaky network link would, and its
 * supervisor brings it back after a backoff delay.
 */
@ButlerService(id = "uplink", oid = "2.25.156454599572089037576074315226745361353.4",
		vendor = SampleApplication.VENDOR, name = "sample.uplink", version = "0.1.0",
		classification = "sample/uplink",
		description = "Forwards readings over a link that drops now and then; supervised, it comes back")
class UplinkService implements MicroService<UplinkService.Config> {

	private static final Log logger = LogFactory.getLog(UplinkService.class);

	private ServiceContext context;

	private Config config;

	private long forwarded;

	@Override
	public void initialize(Config config, ServiceContext context) {
		this.context = context;
		this.config = config;
		this.forwarded = 0;
		Channel readings = context.createChannel("readings", ZmqSocketType.SUB, (channel, message) -> this.forwarded++);
		readings.socket().subscribe(new byte[0]);
		readings.connect(config.source());
	}

	@Override
	public void startActivities() {
		this.context.schedule("link-drop", () -> {
			logger.warn("Uplink lost after forwarding " + this.forwarded + " readings");
			this.context.stop(List.of("uplink lost after forwarding " + this.forwarded + " readings"));
		}, this.config.linkLifetime());
	}

	/**
	 * Configuration of the uplink, bound from {@code butler.services.uplink.*}.
	 *
	 * @param source address of the sensor's PUB socket
	 * @param linkLifetime how long the link lasts before it drops
	 */
	record Config(@DefaultValue("tcp://127.0.0.1:5601") @NotBlank String source,
			@DefaultValue("45s") @DurationRange(min = "1ms") Duration linkLifetime) {

	}

}

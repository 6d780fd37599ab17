package dev.butler.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Sample application: a {@link SensorService sensor} publishes readings over ZeroMQ and an
 * {@link AggregatorService aggregator} keeps statistics of them and answers queries.
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Vendor uid of the sample's services: the UUID whose {@code 2.25} OID is the arc of their OIDs,
	 * {@code 2.25.156454599572089037576074315226745361353}.
	 */
	static final String VENDOR = "75b40f50-b5fb-458a-8622-0e6afaaf53c9";

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

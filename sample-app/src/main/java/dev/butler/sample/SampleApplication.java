package dev.butler.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Sample application: a {@link SensorService sensor} publishes readings over ZeroMQ and an
 * {@link AggregatorService aggregator} keeps statistics of them and answers queries.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}

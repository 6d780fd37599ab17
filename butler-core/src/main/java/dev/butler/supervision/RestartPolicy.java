package dev.butler.supervision;

/**
 * How a supervisor treats one service that ends.
 *
 * @param type after which endings the service is restarted
 * @param intensity how many restarts are made in a period before giving up
 * @param backoff the delays between restarts
 */
public record RestartPolicy(RestartType type, RestartIntensity intensity, Backoff backoff) {

	/** Transient, with the default intensity and backoff. */
	public static final RestartPolicy DEFAULT = new RestartPolicy(RestartType.TRANSIENT, RestartIntensity.DEFAULT,
			Backoff.DEFAULT);

}

package dev.butler.cluster;

/**
 * Thrown when the cluster's store, etcd, cannot be reached or refuses a request.
 */
public class ClusterException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what failed
	 * @param cause why
	 */
	public ClusterException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.butler.pipe;

/**
 * Thrown by a consumer's {@link PipeHandler#accept} for a data message it rejects, e.g. one it
 * cannot parse, having kept or reported it as it sees fit: the pipe counts the rejection and goes
 * on, unless the peer's rejections pass {@code max-rejects} within {@code rejects-within}; then the
 * peer is cut off, its session ended with CLOSE(INVALID_DATA) and the reason.
 */
public class DataRejectedException extends Exception {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param reason why the message was rejected
	 */
	public DataRejectedException(String reason) {
		super(reason);
	}

	/**
	 * Create an exception.
	 * @param reason why the message was rejected
	 * @param cause what failed
	 */
	public DataRejectedException(String reason, Throwable cause) {
		super(reason, cause);
	}

}

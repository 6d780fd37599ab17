package dev.butler.integration;

import java.util.List;

import org.springframework.integration.events.IntegrationEvent;

import dev.butler.pipe.PipeRole;
import dev.butler.protocol.fbdp.FbdpErrorCode;

/**
 * Published when the data pipe of an FBDP channel adapter closes, by either side: at the end of
 * the data ({@link FbdpErrorCode#OK}) or with an error. The source is the adapter. Listeners run on
 * the adapter's service thread, so they should return quickly.
 */
public class FbdpPipeClosedEvent extends IntegrationEvent {

	private final String pipe;

	private final PipeRole role;

	private final FbdpErrorCode code;

	private final List<String> details;

	/**
	 * Create a new event.
	 * @param source the adapter whose pipe closed
	 * @param pipe the pipe name
	 * @param role the adapter's role in the pipe
	 * @param code how the pipe closed
	 * @param details the descriptions that came with the close
	 */
	public FbdpPipeClosedEvent(Object source, String pipe, PipeRole role, FbdpErrorCode code, List<String> details) {
		super(source);
		this.pipe = pipe;
		this.role = role;
		this.code = code;
		this.details = List.copyOf(details);
	}

	/**
	 * Return the name of the pipe.
	 * @return the pipe name
	 */
	public String getPipe() {
		return this.pipe;
	}

	/**
	 * Return the adapter's role: {@link PipeRole#CONSUMER} for an inbound adapter,
	 * {@link PipeRole#PRODUCER} for an outbound one.
	 * @return the role
	 */
	public PipeRole getRole() {
		return this.role;
	}

	/**
	 * Return how the pipe closed.
	 * @return the close code
	 */
	public FbdpErrorCode getCode() {
		return this.code;
	}

	/**
	 * Return the descriptions that came with the close.
	 * @return the detail lines
	 */
	public List<String> getDetails() {
		return this.details;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + " [pipe=" + this.pipe + ", role=" + this.role + ", code=" + this.code
				+ ", details=" + this.details + ", source=" + getSource() + "]";
	}

}

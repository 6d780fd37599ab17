package dev.butler.pipe;

import dev.butler.protocol.fbdp.PipeSocket;

/**
 * Which end of the data flow a pipe endpoint is.
 */
public enum PipeRole {

	/** Sends DATA. A connecting producer attaches to the pipe's INPUT socket. */
	PRODUCER(PipeSocket.INPUT),

	/** Receives DATA. A connecting consumer attaches to the pipe's OUTPUT socket. */
	CONSUMER(PipeSocket.OUTPUT);

	private final PipeSocket clientSocket;

	PipeRole(PipeSocket clientSocket) {
		this.clientSocket = clientSocket;
	}

	/**
	 * Return the pipe socket a client in this role attaches to.
	 * @return the socket named in the client's OPEN
	 */
	public PipeSocket clientSocket() {
		return this.clientSocket;
	}

	/**
	 * Return the pipe socket a server in this role offers: a producing server offers OUTPUT, a
	 * consuming server INPUT.
	 * @return the socket a client must name in OPEN
	 */
	public PipeSocket serverSocket() {
		return (this == PRODUCER) ? PipeSocket.OUTPUT : PipeSocket.INPUT;
	}

}

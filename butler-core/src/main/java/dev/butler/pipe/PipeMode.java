package dev.butler.pipe;

/**
 * How a data pipe endpoint attaches to its address, Saturnin's {@code pipe_mode}.
 */
public enum PipeMode {

	/** Bind the address: this side is the pipe's server and owns the pipe. */
	BIND,

	/** Connect to the address: this side is the client and opens the pipe with OPEN. */
	CONNECT

}

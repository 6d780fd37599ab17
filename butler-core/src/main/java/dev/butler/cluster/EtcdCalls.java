package dev.butler.cluster;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.etcd.jetcd.ByteSequence;

/**
 * Waits for jetcd's answers, with one time limit, turning their failures into
 * {@link ClusterException}s that say what was attempted.
 */
final class EtcdCalls {

	/** How long any request to etcd may take. */
	static final long TIMEOUT_SECONDS = 10;

	private EtcdCalls() {
	}

	/**
	 * Return a key or value as etcd takes it.
	 * @param text the text
	 * @return its UTF-8 bytes
	 */
	static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

	/**
	 * Wait for a request's answer.
	 * @param future the request
	 * @param what what it does, e.g. "grant a lease"
	 * @return the answer
	 * @throws ClusterException if it failed, took too long, or the thread was interrupted
	 */
	static <T> T await(CompletableFuture<T> future, String what) {
		try {
			return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new ClusterException("could not " + what + " in etcd: " + cause.getMessage(), ex);
		}
		catch (TimeoutException ex) {
			throw new ClusterException("could not " + what + " in etcd within " + TIMEOUT_SECONDS + " s", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ClusterException("interrupted while trying to " + what + " in etcd", ex);
		}
	}

}

/**
 * Contexts, as zmicroservices has them: a set of services run together for one transaction, so
 * that several instances of the same set run side by side ({@link dev.butler.context.ContextDefinition}),
 * and the ZeroMQ control bus that starts, stops and restarts them and answers for their state
 * ({@link dev.butler.context.ContextBus}) through a {@link dev.butler.context.ContextControl}.
 */
@NullMarked
package dev.butler.context;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of contexts: their definitions and transactions
 * ({@link dev.butler.autoconfigure.context.ButlerContexts}) and the control bus.
 */
@NullMarked
package dev.butler.autoconfigure.context;

import org.jspecify.annotations.NullMarked;

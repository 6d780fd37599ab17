/**
 * Firebird Butler Data Pipes: the {@link dev.butler.pipe.DataPipe} that a service opens as a
 * resource, its options, and the base classes of producer, consumer and filter services.
 */
@NullMarked
package dev.butler.pipe;

import org.jspecify.annotations.NullMarked;

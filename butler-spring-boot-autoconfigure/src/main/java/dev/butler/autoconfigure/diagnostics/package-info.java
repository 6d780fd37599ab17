/**
 * Failure analyzers that explain why Butler services could not start.
 */
@NullMarked
package dev.butler.autoconfigure.diagnostics;

import org.jspecify.annotations.NullMarked;

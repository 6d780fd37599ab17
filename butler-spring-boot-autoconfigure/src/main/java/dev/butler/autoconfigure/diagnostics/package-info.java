/**
 * Failure analyzers that explain why Butler services could not start.
 */
package dev.butler.autoconfigure.diagnostics;

/**
 * How the standard writers open their output files (Saturnin's {@code file_mode}).
 */
@NullMarked
package dev.butler.standard.file;

import org.jspecify.annotations.NullMarked;

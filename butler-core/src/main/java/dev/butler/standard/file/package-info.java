/**
 * How the standard writers open their output files (Saturnin's {@code file_mode}).
 */
package dev.butler.standard.file;

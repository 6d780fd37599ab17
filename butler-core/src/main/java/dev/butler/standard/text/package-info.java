/**
 * Saturnin's standard text services: the text reader, writer and line filter, and how they decode
 * and encode text.
 */
@NullMarked
package dev.butler.standard.text;

import org.jspecify.annotations.NullMarked;

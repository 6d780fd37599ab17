/**
 * What the info endpoint tells of the Butler runtime.
 */
@NullMarked
package dev.butler.actuate.info;

import org.jspecify.annotations.NullMarked;

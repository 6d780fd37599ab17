/**
 * Auto-configuration of the Butler runtime's contribution to the info endpoint.
 */
@NullMarked
package dev.butler.autoconfigure.info;

import org.jspecify.annotations.NullMarked;

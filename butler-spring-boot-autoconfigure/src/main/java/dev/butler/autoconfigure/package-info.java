/**
 * Auto-configuration of Butler services and the {@code butler.*} properties.
 */
@NullMarked
package dev.butler.autoconfigure;

import org.jspecify.annotations.NullMarked;

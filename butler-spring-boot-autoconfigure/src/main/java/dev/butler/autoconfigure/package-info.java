/**
 * Auto-configuration of Butler services and the {@code butler.*} properties.
 */
package dev.butler.autoconfigure;

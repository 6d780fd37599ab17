/**
 * Readiness of the application from the state of its Butler services.
 */
package dev.butler.actuate.health;

/**
 * Binding of what a service reads from {@code butler.services.<id>}: its configuration and option
 * records, with Spring Boot's {@code Binder} (relaxed names, conversions, {@code @DefaultValue}),
 * always validated with Bean Validation, and the check for properties that nothing reads.
 */
@NullMarked
package dev.butler.config;

import org.jspecify.annotations.NullMarked;

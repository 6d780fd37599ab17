/**
 * External commands as services: {@link dev.butler.standard.command.CommandService}
 * ({@code butler.command}) runs an OS process, logs its output, ends with an outcome its exit code
 * gives and leaves no process of it behind when it stops.
 */
@NullMarked
package dev.butler.standard.command;

import org.jspecify.annotations.NullMarked;

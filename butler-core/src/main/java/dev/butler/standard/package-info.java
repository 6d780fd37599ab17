/**
 * The standard services, run by {@code butler.services.<id>.agent=<name or uid>}: Saturnin's text
 * and binary services, this project's bridges between data pipes and directory queues, and external
 * commands. See {@link dev.butler.standard.StandardServices}.
 */
@NullMarked
package dev.butler.standard;

import org.jspecify.annotations.NullMarked;

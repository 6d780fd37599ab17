/**
 * Supervision of local services, as Erlang/OTP supervisors do it: restart types, restart intensity
 * and backoff between restarts ({@link dev.butler.supervision.RestartPolicy}), the decisions they
 * make ({@link dev.butler.supervision.RestartTracker}) and the supervisor that carries them out
 * ({@link dev.butler.supervision.Supervisor}).
 */
@NullMarked
package dev.butler.supervision;

import org.jspecify.annotations.NullMarked;

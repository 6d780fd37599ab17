/**
 * ICCP control: the in-process controller, services managed as Spring
 * {@link org.springframework.context.SmartLifecycle SmartLifecycle} beans, and foreign components run
 * by other processes, all seen as {@link dev.butler.control.ButlerComponent}s.
 */
@NullMarked
package dev.butler.control;

import org.jspecify.annotations.NullMarked;

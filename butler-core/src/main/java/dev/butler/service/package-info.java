/**
 * The programming model: a {@link dev.butler.service.MicroService} annotated with
 * {@link dev.butler.service.ButlerService @ButlerService}, the
 * {@link dev.butler.service.ServiceContext} it gets, its channels, scheduled actions and resources.
 */
@NullMarked
package dev.butler.service;

import org.jspecify.annotations.NullMarked;

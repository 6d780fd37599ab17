/**
 * Directory queues (Mentat's filer protocol, durable): the {@link dev.butler.queue.DirectoryQueue},
 * its readers and watchers, and the base class of piper services that process a queue's messages
 * ({@link dev.butler.queue.PiperService}).
 */
@NullMarked
package dev.butler.queue;

import org.jspecify.annotations.NullMarked;

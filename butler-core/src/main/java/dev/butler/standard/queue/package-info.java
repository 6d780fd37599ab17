/**
 * Bridges between data pipes and directory queues, so that a durable stage can sit inside a data
 * pipeline: {@link dev.butler.standard.queue.QueueWriterService} ({@code butler.queue.writer}) stores
 * the data of a pipe as messages of a {@link dev.butler.queue.DirectoryQueue}, and
 * {@link dev.butler.standard.queue.QueueReaderService} ({@code butler.queue.reader}) sends the
 * messages of a queue into a pipe.
 */
@NullMarked
package dev.butler.standard.queue;

import org.jspecify.annotations.NullMarked;

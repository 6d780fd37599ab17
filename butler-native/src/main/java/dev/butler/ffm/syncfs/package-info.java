/**
 * {@code syncfs(2)} through the Foreign Function and Memory API: the
 * {@link dev.butler.queue.FileSystemSync} with which directory queues sync a group of messages once
 * per file system, on Linux with Java 22 or later.
 */
@NullMarked
package dev.butler.ffm.syncfs;

import org.jspecify.annotations.NullMarked;

/**
 * Saturnin's standard binary services: {@link dev.butler.standard.binary.BinaryReaderService}
 * ({@code saturnin.binary.reader}) sends the blocks of a file into a data pipe, and
 * {@link dev.butler.standard.binary.BinaryWriterService} ({@code saturnin.binary.writer}) writes the
 * data of a pipe into a file. Their block files hold each block after its length, a 4-byte unsigned
 * big-endian integer, so that either reads what the other writes.
 */
@NullMarked
package dev.butler.standard.binary;

import org.jspecify.annotations.NullMarked;

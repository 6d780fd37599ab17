/**
 * The Butler vocabulary shared by every protocol: service states and outcomes, agent and peer
 * descriptors, uids and vendor uids. Its sub-packages hold the wire codecs; none of it uses Spring or
 * the runtime.
 */
@NullMarked
package dev.butler.protocol;

import org.jspecify.annotations.NullMarked;

/**
 * Sample application with two Butler services that talk over ZeroMQ.
 * <p>
 * The agent OIDs of the services sit under a {@code 2.25} arc, an OID derived from a UUID
 * (ITU-T X.667), which needs no registration. Give your own services OIDs from an arc you own.
 */
package dev.butler.sample;

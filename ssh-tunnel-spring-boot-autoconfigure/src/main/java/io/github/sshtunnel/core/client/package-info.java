/**
 * The MINA client of a tunnel and its threads: safe defaults, then the customizers; the
 * I/O service that runs the SSH socket on the tunnel's own I/O threads. Internal: not an
 * API.
 */
package io.github.sshtunnel.core.client;

/**
 * How work is ordered on a tunnel's I/O thread: the {@code ReadCycle} that lets forwarded
 * connections batch their local writes per read of the SSH socket, and
 * {@code PolledReads}, which has the JDK wait for data before it reads. Shared by
 * {@code core.client} (the SSH socket's session) and {@code core.forward}. Internal: not
 * an API.
 */
package io.github.sshtunnel.core.io;

/**
 * The tunnel's I/O thread: the {@code EventLoop} that carries the SSH socket and the
 * local sockets of every forward (a channel group of its own behind the JDK's
 * asynchronous socket API, writing what one round produced with one system call per
 * socket), the {@code ReadCycle} that lets forwarded connections batch their local writes
 * per read of the SSH socket, and {@code PolledReads}, which has the JDK wait for data
 * before it reads when the JDK's channel group is used instead. Shared by
 * {@code core.client} (the SSH socket's session) and {@code core.forward}. Internal: not
 * an API.
 */
package io.github.sshtunnel.core.io;

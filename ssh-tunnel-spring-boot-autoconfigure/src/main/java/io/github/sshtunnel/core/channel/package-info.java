/**
 * Connections carried in-process, without a local port: a {@code direct-tcpip} channel
 * through the tunnel's current session, exposed as a {@link java.net.Socket} for drivers
 * that take a socket factory ({@code socket} mode). Behind a narrow context (current
 * session, open timeout, event sink). Internal: not an API.
 */
package io.github.sshtunnel.core.channel;

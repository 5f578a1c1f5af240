/**
 * The session of a tunnel over time: the one state machine, the supervisor that connects,
 * watches keepalive replies and reconnects, and the listener fan-out. Internal: not an
 * API.
 */
package io.github.sshtunnel.core.session;

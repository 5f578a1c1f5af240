/**
 * The local ends of the forwards and the connections they carry, behind a narrow context
 * (current session, timer, event sink). Internal: not an API.
 */
package io.github.sshtunnel.core.forward;

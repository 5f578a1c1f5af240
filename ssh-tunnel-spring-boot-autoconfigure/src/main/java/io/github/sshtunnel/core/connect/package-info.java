/**
 * One attempt to reach the SSH server (connect, verify the host key, authenticate) and
 * the typed classification of its failures. Internal: not an API.
 */
package io.github.sshtunnel.core.connect;

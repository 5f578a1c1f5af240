/**
 * Actuator health of the SSH tunnel.
 */
package io.github.sshtunnel.health;

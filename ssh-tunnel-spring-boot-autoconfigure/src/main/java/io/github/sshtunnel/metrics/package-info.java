/**
 * Micrometer metrics of the SSH tunnel.
 */
package io.github.sshtunnel.metrics;

/**
 * Auto-configuration of the SSH tunnel's Micrometer metrics.
 */
package io.github.sshtunnel.autoconfigure.metrics;

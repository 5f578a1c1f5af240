/**
 * Auto-configuration that routes the auto-configured DataSource (and Flyway's own URL)
 * through the SSH tunnel with {@code ssh.tunnel.datasource.enabled}, the URL kept as
 * written.
 */
package io.github.sshtunnel.autoconfigure.jdbc;

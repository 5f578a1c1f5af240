/**
 * Spring Boot wiring of the SSH tunnel: properties, auto-configuration, start-up ordering
 * before every DataSource, failure analysis and sanitizing. No SSH logic lives here.
 */
package io.github.sshtunnel.autoconfigure;

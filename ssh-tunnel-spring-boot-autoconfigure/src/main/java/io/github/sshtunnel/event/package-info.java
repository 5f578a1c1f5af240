/**
 * Spring application events of the SSH tunnel, so that applications can react to it
 * connecting and disconnecting (for example, evict a connection pool).
 */
package io.github.sshtunnel.event;

/**
 * A small web application that reads its database through the SSH tunnel.
 */
package io.github.sshtunnel.sample;

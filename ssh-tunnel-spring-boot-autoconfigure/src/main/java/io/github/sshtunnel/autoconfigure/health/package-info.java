/**
 * Auto-configuration of the SSH tunnel's health indicator.
 */
package io.github.sshtunnel.autoconfigure.health;

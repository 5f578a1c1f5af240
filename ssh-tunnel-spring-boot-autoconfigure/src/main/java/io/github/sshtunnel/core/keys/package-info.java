/**
 * Authentication material: private keys in every supported format, the minimum strength
 * of keys, the ssh-agent client and the order in which keys are offered. Internal: not an
 * API.
 */
package io.github.sshtunnel.core.keys;

/**
 * Authentication material: private keys in every supported format, and the minimum
 * strength of keys. Internal: not an API.
 */
package io.github.sshtunnel.core.keys;

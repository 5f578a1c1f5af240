/**
 * Host-key checking as OpenSSH does it: a pinned key or fingerprint, or known_hosts files
 * read and written like OpenSSH's. Internal: not an API.
 */
package io.github.sshtunnel.core.hostkey;

/**
 * An OpenSSH client configuration file ({@code ~/.ssh/config}) read as {@code ssh} reads
 * it: {@code Host} and {@code Match} blocks, {@code Include}, first value wins, tokens.
 * Pure Java, not MINA's parser (which rejects any file with a {@code Match} line).
 * Internal: not an API.
 */
package io.github.sshtunnel.core.config;

/**
 * The SSH tunnel itself: plain Java on Apache MINA SSHD, no Spring types. Construct an
 * {@link io.github.sshtunnel.core.SshTunnel} from
 * {@link io.github.sshtunnel.core.TunnelSettings}, {@code open()} it, read its
 * {@code state()} and {@code close()} it.
 */
package io.github.sshtunnel.core;

package io.github.sshtunnel.core;

/**
 * How a session logged in: the SSH authentication method that succeeded and, for
 * {@code publickey}, the fingerprint of the key. Holds no secret.
 *
 * @param method the method, as SSH names it: {@code publickey}, {@code password} or
 * {@code keyboard-interactive}
 * @param keyFingerprint the SHA-256 fingerprint of the public key that logged in (for a
 * user certificate: of the certified key, as OpenSSH's {@code sshd} logs it), or
 * {@code null} for a method without a key
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public record AuthenticationUsed(String method, String keyFingerprint) {

}

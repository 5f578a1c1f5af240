package io.github.sshtunnel.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * What a value of {@code ssh.tunnel.private-key} is: the key text (PEM or OpenSSH), the
 * base64 of a key file as secret stores often carry it, or a location. Only a value that
 * is clearly a location ({@code file:}, {@code classpath:}, an absolute or {@code ~/}
 * path) may ever be shown.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class PrivateKeyValue {

	private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=_\\-\\s]+");

	private static final Pattern WINDOWS_PATH = Pattern.compile("[A-Za-z]:[\\\\/].*");

	private static final String OPENSSH_MAGIC = "openssh-key-v1\0";

	private PrivateKeyValue() {
	}

	/**
	 * Return whether the value is clearly a location, and so safe to show.
	 * @param value the value
	 * @return whether it is a {@code file:} or {@code classpath:} location or an absolute
	 * or {@code ~/} path on one line
	 */
	static boolean isClearlyLocation(String value) {
		String trimmed = value.trim();
		if (trimmed.contains("\n") || trimmed.contains("\r") || trimmed.contains("PRIVATE KEY")) {
			return false;
		}
		return trimmed.startsWith("file:") || trimmed.startsWith("classpath:") || trimmed.startsWith("/")
				|| trimmed.startsWith("~/") || WINDOWS_PATH.matcher(trimmed).matches();
	}

	/**
	 * Return the key text that the value holds: the value itself if it is PEM or OpenSSH
	 * text, its decoding if it is the base64 of such text (or of an OpenSSH key's binary
	 * content).
	 * @param value the value
	 * @return the key text, or {@code null} if the value holds none
	 */
	static String keyText(String value) {
		String trimmed = value.trim();
		if (trimmed.startsWith("-----BEGIN")) {
			return trimmed;
		}
		if (trimmed.length() < 64 || !BASE64.matcher(trimmed).matches()) {
			return null;
		}
		byte[] decoded = decode(trimmed.replaceAll("\\s", ""));
		if (decoded == null) {
			return null;
		}
		String text = new String(decoded, StandardCharsets.ISO_8859_1);
		if (text.stripLeading().startsWith("-----BEGIN")) {
			return new String(decoded, StandardCharsets.UTF_8).trim();
		}
		if (text.startsWith(OPENSSH_MAGIC)) {
			return "-----BEGIN OPENSSH PRIVATE KEY-----\n"
					+ Base64.getMimeEncoder(70, new byte[] { '\n' }).encodeToString(decoded)
					+ "\n-----END OPENSSH PRIVATE KEY-----\n";
		}
		return null;
	}

	private static byte[] decode(String base64) {
		try {
			return Base64.getDecoder().decode(base64);
		}
		catch (IllegalArgumentException ex) {
			try {
				return Base64.getUrlDecoder().decode(base64);
			}
			catch (IllegalArgumentException notUrl) {
				return null;
			}
		}
	}

}

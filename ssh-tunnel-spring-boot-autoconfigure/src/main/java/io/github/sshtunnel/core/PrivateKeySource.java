package io.github.sshtunnel.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a private key comes from: a file, any other resource, or PEM text given inline.
 * The key is read again at every connect, so a rotated key file is picked up on
 * reconnect.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public interface PrivateKeySource {

	/**
	 * Return a description that is safe to show: a location, never key material.
	 * @return the description
	 */
	String description();

	/**
	 * Open the key's content.
	 * @return a new stream over the PEM text
	 * @throws IOException if the key cannot be read
	 */
	InputStream open() throws IOException;

	/**
	 * Return the file of the key, if it is one: OpenSSH then also uses a certificate
	 * {@code <file>-cert.pub} next to it.
	 * @return the file, or {@code null} if the key is not a plain file
	 */
	default Path path() {
		return null;
	}

	/**
	 * A key given as PEM text.
	 * @param pem the PEM text
	 * @return the source
	 */
	static PrivateKeySource ofPem(String pem) {
		byte[] content = pem.getBytes(StandardCharsets.UTF_8);
		return of("(inline PEM text of ssh.tunnel.private-key)", () -> new ByteArrayInputStream(content));
	}

	/**
	 * A key in a file.
	 * @param path the file
	 * @return the source
	 */
	static PrivateKeySource ofPath(Path path) {
		PrivateKeySource source = of(path.toString(), () -> Files.newInputStream(path));
		return new PrivateKeySource() {

			@Override
			public String description() {
				return source.description();
			}

			@Override
			public InputStream open() throws IOException {
				return source.open();
			}

			@Override
			public Path path() {
				return path;
			}

			@Override
			public String toString() {
				return source.description();
			}

		};
	}

	/**
	 * A key read from any location.
	 * @param description the location, shown in messages
	 * @param opener opens the content
	 * @return the source
	 */
	static PrivateKeySource of(String description, Opener opener) {
		return new PrivateKeySource() {

			@Override
			public String description() {
				return description;
			}

			@Override
			public InputStream open() throws IOException {
				return opener.open();
			}

			@Override
			public String toString() {
				return description;
			}

		};
	}

	/**
	 * Opens the content of a key.
	 */
	@FunctionalInterface
	interface Opener {

		/**
		 * Open the content.
		 * @return a new stream
		 * @throws IOException if the content cannot be read
		 */
		InputStream open() throws IOException;

	}

}

package io.github.sshtunnel.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an OpenSSH user certificate ({@code *-cert.pub}) comes from: a file, any other
 * resource, or the certificate line given inline. A certificate is public, so its
 * location may be shown. It is read again at every connect, so a renewed certificate file
 * is picked up on reconnect.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public interface CertificateSource {

	/**
	 * Return a description that is safe to show: a location or a note that the
	 * certificate was given inline.
	 * @return the description
	 */
	String description();

	/**
	 * Open the certificate's content.
	 * @return a new stream over the certificate line
	 * @throws IOException if the certificate cannot be read
	 */
	InputStream open() throws IOException;

	/**
	 * A certificate given as its text, such as
	 * {@code ssh-ed25519-cert-v01@openssh.com AAAA... comment}.
	 * @param text the certificate line
	 * @return the source
	 */
	static CertificateSource ofText(String text) {
		byte[] content = text.getBytes(StandardCharsets.UTF_8);
		return of("(inline text)", () -> new ByteArrayInputStream(content));
	}

	/**
	 * A certificate in a file.
	 * @param path the file
	 * @return the source
	 */
	static CertificateSource ofPath(Path path) {
		return of(path.toString(), () -> Files.newInputStream(path));
	}

	/**
	 * A certificate read from any location.
	 * @param description the location, shown in messages
	 * @param opener opens the content
	 * @return the source
	 */
	static CertificateSource of(String description, PrivateKeySource.Opener opener) {
		return new CertificateSource() {

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

}

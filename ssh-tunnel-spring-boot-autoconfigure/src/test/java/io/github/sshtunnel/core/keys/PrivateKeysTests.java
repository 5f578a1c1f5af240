package io.github.sshtunnel.core.keys;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.KeyFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that malformed key files are refused with a clear message that never shows their
 * content.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class PrivateKeysTests {

	@Test
	void malformedKeyFilesAreRefusedWithoutShowingThem() throws Exception {
		List<String> fixtures = KeyFixtures.all().toList();
		Random random = new Random(7);
		int refused = 0;
		int cases = 0;
		for (int i = 0; i < 1200; i++) {
			String fixture = fixtures.get(i % fixtures.size());
			String text = Files.readString(KeyFixtures.DIRECTORY.resolve(fixture));
			String kind = switch (i % 6) {
				case 0 -> "truncated";
				case 1 -> "wrong base64";
				case 2 -> "wrong header";
				case 3 -> "binary";
				case 4 -> "base64 garbage";
				default -> "huge";
			};
			byte[] content = mutate(kind, text, random);
			cases++;
			String passphrase = fixture.endsWith("_encrypted") ? KeyFixtures.PASSPHRASE : null;
			PrivateKeySource source = PrivateKeySource.of("fuzz case " + i, () -> new ByteArrayInputStream(content));
			try {
				List<KeyPair> keys = PrivateKeys.load(source, passphrase);
				// only a change in a part the format does not check (padding, comment)
				// can still load
				assertThat(kind).as("case %d (%s) loaded %s", i, fixture, keys).isEqualTo("wrong base64");
			}
			catch (SshTunnelException ex) {
				refused++;
				assertThat(ex.getReason()).as("case %d", i).isIn(Reason.KEY_INVALID, Reason.KEY_UNREADABLE);
				assertThat(ex.getMessage()).contains("fuzz case " + i);
				assertThat(ex.getAction()).contains("ssh.tunnel.private-key");
				assertNotShown(text, ex);
			}
		}
		assertThat(cases).isGreaterThanOrEqualTo(1000);
		assertThat(refused).isGreaterThan(cases * 9 / 10);
	}

	private static void assertNotShown(String text, SshTunnelException ex) {
		String shown = ex.getMessage() + ex.getAction();
		for (Throwable cause = ex.getCause(); cause != null; cause = cause.getCause()) {
			shown += cause.getMessage();
		}
		for (String line : text.split("\n")) {
			if (!line.startsWith("-----") && !line.contains(":") && line.length() > 20) {
				assertThat(shown).doesNotContain(line.substring(0, 20));
			}
		}
	}

	private static byte[] mutate(String kind, String text, Random random) {
		switch (kind) {
			case "truncated":
				return text.substring(0, random.nextInt(text.length() - 40)).getBytes(StandardCharsets.US_ASCII);
			case "wrong base64": {
				List<Integer> positions = new ArrayList<>();
				for (int j = text.indexOf('\n') + 1; j < text.lastIndexOf("-----END"); j++) {
					if (text.charAt(j) != '\n' && !text.startsWith("Proc-Type", j)) {
						positions.add(j);
					}
				}
				StringBuilder changed = new StringBuilder(text);
				int position = positions.get(random.nextInt(positions.size()));
				changed.setCharAt(position, "!*?#%~".charAt(random.nextInt(6)));
				return changed.toString().getBytes(StandardCharsets.US_ASCII);
			}
			case "wrong header":
				return text
					.replaceFirst("-----BEGIN ([A-Z ]*)PRIVATE KEY-----",
							(random.nextBoolean() ? "-----BEGIN $1PUBLIC KEY-----"
									: "-----BEGIN FOO $1PRIVATE KEY-----"))
					.replaceFirst("-----END ([A-Z ]*)PRIVATE KEY-----", "-----END SOMETHING-----")
					.getBytes(StandardCharsets.US_ASCII);
			case "binary": {
				byte[] bytes = new byte[1 + random.nextInt(4096)];
				random.nextBytes(bytes);
				return bytes;
			}
			case "base64 garbage": {
				byte[] bytes = new byte[1 + random.nextInt(2048)];
				random.nextBytes(bytes);
				return ("-----BEGIN OPENSSH PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(bytes)
						+ "\n-----END OPENSSH PRIVATE KEY-----\n")
					.getBytes(StandardCharsets.US_ASCII);
			}
			default: {
				StringBuilder huge = new StringBuilder(text);
				while (huge.length() <= PrivateKeys.MAX_SIZE) {
					huge.append("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
				}
				return huge.toString().getBytes(StandardCharsets.US_ASCII);
			}
		}
	}

}

package io.github.sshtunnel.core.hostkey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.sshtunnel.core.hostkey.KnownHosts.HostName;
import io.github.sshtunnel.core.hostkey.KnownHosts.Verdict;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.KeyFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests that malformed known_hosts content never weakens the check: every malformed line
 * is skipped or the file refused, with a message that never shows the line, and no
 * malformed line makes an unknown key acceptable.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@ExtendWith(OutputCaptureExtension.class)
class KnownHostsFileTests {

	private static final Set<HostName> HOST = Set.of(HostName.of("db.example.com", 2222),
			HostName.of("127.0.0.1", 2222));

	@TempDir
	Path temp;

	@Test
	void malformedLinesAreSkippedAndNeverTrustAnUnknownKey(CapturedOutput output) throws Exception {
		String genuineLine = publicKeyLine("ed25519_openssh");
		PublicKey genuine = key(genuineLine);
		PublicKey attacker = key(publicKeyLine("ecdsa_openssh"));
		String valid = "[db.example.com]:2222 " + genuineLine;
		List<byte[]> malformed = malformedLines(valid, new Random(10));
		assertThat(malformed).hasSizeGreaterThanOrEqualTo(1000);
		int skipped = 0;
		int refused = 0;
		for (int i = 0; i < malformed.size(); i++) {
			byte[] line = malformed.get(i);
			Path file = this.temp.resolve("known_hosts_" + i);
			Files.write(file, concat("# fuzz\n".getBytes(StandardCharsets.US_ASCII), line, new byte[] { '\n' }));
			KnownHostsFile knownHosts = new KnownHostsFile(file);
			try {
				Verdict verdict = knownHosts.check(HOST, attacker).verdict();
				assertThat(verdict).as("line %d", i).isIn(Verdict.UNKNOWN, Verdict.CHANGED);
				knownHosts.check(HOST, genuine);
				skipped++;
			}
			catch (SshTunnelException ex) {
				assertThat(ex.getReason()).as("line %d", i).isEqualTo(Reason.KNOWN_HOSTS_UNREADABLE);
				assertThat(ex.getMessage()).contains(file.toString());
				assertThat(ex.getAction()).contains("ssh.tunnel.known-hosts");
				refused++;
			}
		}
		assertThat(skipped).isPositive();
		assertThat(refused).isPositive();
		String log = output.getAll();
		for (byte[] line : malformed) {
			String text = new String(line, StandardCharsets.UTF_8);
			int start = text.indexOf("AAAA");
			if (start >= 0 && text.length() > start + 40) {
				assertThat(log).doesNotContain(text.substring(start, start + 40));
			}
		}
	}

	@Test
	void validLinesStillWorkNextToMalformedOnes() throws Exception {
		String genuineLine = publicKeyLine("ed25519_openssh");
		List<byte[]> malformed = malformedLines("[db.example.com]:2222 " + genuineLine, new Random(11));
		List<byte[]> parts = new ArrayList<>();
		for (byte[] line : malformed) {
			String text = new String(line, StandardCharsets.ISO_8859_1);
			if (!KnownHostsParser.isPrivateKeyMaterial(text) && line.length < 4096) {
				parts.add(line);
				parts.add(new byte[] { '\n' });
			}
		}
		parts.add(("[DB.Example.COM]:2222 " + genuineLine + "\n").getBytes(StandardCharsets.US_ASCII));
		Path file = this.temp.resolve("known_hosts");
		Files.write(file, concat(parts.toArray(byte[][]::new)));
		KnownHostsFile knownHosts = new KnownHostsFile(file);
		assertThat(knownHosts.check(HOST, key(genuineLine)).verdict()).isEqualTo(Verdict.TRUSTED);
		assertThat(knownHosts.check(HOST, key(publicKeyLine("ecdsa_openssh"))).verdict()).isEqualTo(Verdict.CHANGED);
	}

	@Test
	void revokedKeyIsRefusedEvenWhenAlsoListedAsTrusted() throws Exception {
		String line = publicKeyLine("ed25519_openssh");
		Path file = Files.writeString(this.temp.resolve("known_hosts"),
				"[db.example.com]:2222 " + line + "\n@revoked * " + line + "\n");
		assertThat(new KnownHostsFile(file).check(HOST, key(line)).verdict()).isEqualTo(Verdict.REVOKED);
	}

	@Test
	void fileLargerThanTheBoundIsRefused() throws Exception {
		Path file = this.temp.resolve("known_hosts");
		Files.write(file, new byte[(int) KnownHostsFile.MAX_SIZE + 1]);
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new KnownHostsFile(file).check(HOST, key(publicKeyLine("ed25519_openssh"))))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("larger than 8 MiB"));
	}

	static List<byte[]> malformedLines(String valid, Random random) {
		List<byte[]> lines = new ArrayList<>();
		int keyStart = valid.indexOf("AAAA");
		for (int i = 0; i < 200; i++) {
			// truncated anywhere
			lines.add(ascii(valid.substring(0, 1 + random.nextInt(valid.length() - 1))));
		}
		for (int i = 0; i < 250; i++) {
			// wrong base64: characters replaced, inserted or removed in the key
			StringBuilder line = new StringBuilder(valid);
			int position = keyStart + 4 + random.nextInt(valid.length() - keyStart - 5);
			switch (i % 3) {
				case 0 -> line.setCharAt(position, "!$%&*.?~".charAt(random.nextInt(8)));
				case 1 -> line.insert(position, "=");
				default -> line.deleteCharAt(position).deleteCharAt(position);
			}
			lines.add(ascii(line.toString()));
		}
		String[] markers = { "@REVOKED", "@Revoked", "@revoked:", "@cert_authority", "@CERT-AUTHORITY", "@",
				"@@revoked", "@foo", "@ revoked", "@revokedx" };
		for (int i = 0; i < 150; i++) {
			String marker = (i < markers.length * 5) ? markers[i % markers.length] : "@" + randomWord(random);
			lines.add(ascii(marker + " " + valid));
		}
		for (int i = 0; i < 20; i++) {
			// huge lines
			StringBuilder line = new StringBuilder(valid);
			int target = KnownHostsParser.MAX_LINE_LENGTH + random.nextInt(100_000);
			while (line.length() < target) {
				line.append((i % 2 == 0) ? "A" : " x");
			}
			lines.add(ascii(line.toString()));
		}
		for (int i = 0; i < 200; i++) {
			// binary
			byte[] bytes = new byte[1 + random.nextInt(600)];
			random.nextBytes(bytes);
			for (int j = 0; j < bytes.length; j++) {
				if (bytes[j] == '\n') {
					bytes[j] = 0;
				}
			}
			lines.add(bytes);
		}
		for (int i = 0; i < 100; i++) {
			// broken hashes, patterns and key types
			String key = valid.substring(valid.indexOf(' ') + 1);
			lines.add(ascii(switch (i % 10) {
				case 0 -> "|1|" + randomWord(random) + "|" + randomWord(random) + " " + key;
				case 1 -> "|1|" + " " + key;
				case 2 -> "|2|AAAA|BBBB " + key;
				case 3 -> "[db.example.com]:2222";
				case 4 -> "[db.example.com]:2222 ssh-ed25519";
				case 5 -> "[db.example.com]:2222 ssh-rsa " + key.substring(key.indexOf(' ') + 1);
				case 6 -> "[db.example.com]:2222 ecdsa-sha2-nistp256 " + key.substring(key.indexOf(' ') + 1);
				case 7 -> "," + " " + key;
				case 8 -> "[db.example.com]:99999999999 " + key;
				default -> "[db.example.com]:2222 " + randomWord(random) + " " + randomWord(random);
			}));
		}
		for (int i = 0; i < 100; i++) {
			// private key material where a known_hosts file should be
			lines.add(ascii(switch (i % 5) {
				case 0 -> "-----BEGIN OPENSSH PRIVATE KEY-----";
				case 1 -> "-----BEGIN RSA PRIVATE KEY-----";
				case 2 -> "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ" + randomWord(random);
				case 3 -> "LS0tLS1CRUdJTiBPUEVOU1NIIFBSSVZBVEUgS0VZLS0tLS0K" + randomWord(random);
				default -> "PuTTY-User-Key-File-3: ssh-ed25519";
			}));
		}
		return lines;
	}

	private static String randomWord(Random random) {
		StringBuilder word = new StringBuilder();
		int length = 1 + random.nextInt(30);
		for (int i = 0; i < length; i++) {
			word.append((char) ('!' + random.nextInt(94)));
		}
		return word.toString().replace(" ", "");
	}

	static String publicKeyLine(String fixture) throws Exception {
		String line = Files.readString(KeyFixtures.DIRECTORY.resolve(fixture + ".pub")).trim();
		String[] parts = line.split(" ");
		return parts[0] + " " + parts[1];
	}

	static PublicKey key(String publicKeyLine) throws Exception {
		return AuthorizedKeyEntry.parseAuthorizedKeyEntry(publicKeyLine)
			.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] all = new byte[length];
		int offset = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, offset, part.length);
			offset += part.length;
		}
		return all;
	}

}

package io.github.sshtunnel.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.sshtunnel.core.SshTunnelException.Reason;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for host-key checking against an in-process MINA SSH server.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelHostKeyTests {

	@TempDir
	Path temp;

	private TestSshServer server;

	@BeforeEach
	void start() {
		this.server = TestSshServer.withPassword("alice", "secret").start();
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void acceptsKeyFromKnownHosts() {
		Path knownHosts = this.server.writeKnownHosts(this.temp.resolve("known_hosts"));
		try (SshTunnel tunnel = new SshTunnel(settings().knownHosts(knownHosts).build()).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
			assertThat(tunnel.state().hostKeyFingerprint()).isEqualTo(this.server.hostKeyFingerprint());
		}
	}

	@Test
	void refusesUnknownHostKeyNamingTheProperties() throws Exception {
		Path knownHosts = Files.writeString(this.temp.resolve("known_hosts"), "");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_UNKNOWN);
				assertThat(ex.getMessage()).contains("[127.0.0.1]:" + this.server.port())
					.contains(this.server.hostKeyFingerprint())
					.contains("is not in known_hosts file " + knownHosts);
				assertThat(ex.getAction()).contains("ssh.tunnel.known-hosts").contains("ssh.tunnel.host-key");
			});
		assertThat(Files.readString(knownHosts)).isEmpty();
	}

	@Test
	void refusesWhenKnownHostsFileIsMissing() {
		Path knownHosts = this.temp.resolve("missing/known_hosts");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_UNKNOWN);
				assertThat(ex.getMessage()).contains("does not exist");
			});
	}

	@Test
	void refusesChangedHostKeyWarningOfManInTheMiddle() throws Exception {
		TestSshServer impostor = TestSshServer.withPassword("alice", "secret").hostKeyType("ecdsa");
		Path knownHosts = this.temp.resolve("known_hosts");
		Files.writeString(knownHosts, "[127.0.0.1]:" + this.server.port() + " " + impostor.hostKeyLine() + "\n");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().knownHosts(knownHosts).build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_CHANGED);
				assertThat(ex.getMessage()).contains("has CHANGED")
					.contains("man-in-the-middle")
					.contains(impostor.hostKeyFingerprint())
					.contains(this.server.hostKeyFingerprint());
				assertThat(ex.getAction()).contains("ssh-keygen -R").contains("ssh.tunnel.known-hosts");
			});
	}

	@Test
	void acceptNewTrustsOnFirstUseAndRecordsTheKey() throws Exception {
		Path knownHosts = this.temp.resolve("new/known_hosts");
		TunnelSettings settings = settings().knownHosts(knownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
		assertThat(Files.readString(knownHosts)).contains("[127.0.0.1]:" + this.server.port());
		// the recorded key is now enforced: strict checking accepts it
		try (SshTunnel tunnel = new SshTunnel(settings().knownHosts(knownHosts).build()).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
	}

	@Test
	void acceptNewStillRefusesChangedKey() throws Exception {
		TestSshServer impostor = TestSshServer.withPassword("alice", "secret").hostKeyType("ecdsa");
		Path knownHosts = this.temp.resolve("known_hosts");
		Files.writeString(knownHosts, "[127.0.0.1]:" + this.server.port() + " " + impostor.hostKeyLine() + "\n");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(
					settings().knownHosts(knownHosts).hostKeyChecking(HostKeyChecking.ACCEPT_NEW).build())
				.open())
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_CHANGED));
	}

	@Test
	void noCheckingAcceptsAnyKey() {
		TunnelSettings settings = settings().knownHosts(this.temp.resolve("none"))
			.hostKeyChecking(HostKeyChecking.NO)
			.build();
		try (SshTunnel tunnel = new SshTunnel(settings).open()) {
			assertThat(tunnel.state().isUp()).isTrue();
		}
		assertThat(this.temp.resolve("none")).doesNotExist();
	}

	@Test
	void pinnedFingerprintAndPublicKeyLineAreAccepted() {
		for (String pin : new String[] { this.server.hostKeyFingerprint(), this.server.hostKeyLine(),
				this.server.knownHostsLine() }) {
			try (SshTunnel tunnel = new SshTunnel(settings().hostKey(pin).build()).open()) {
				assertThat(tunnel.state().isUp()).as(pin).isTrue();
			}
		}
	}

	@Test
	void pinnedKeyMismatchIsRefusedAsChanged() {
		TestSshServer impostor = TestSshServer.withPassword("alice", "secret").hostKeyType("ed25519");
		for (String pin : new String[] { impostor.hostKeyFingerprint(), impostor.hostKeyLine() }) {
			assertThatExceptionOfType(SshTunnelException.class)
				.isThrownBy(() -> new SshTunnel(settings().hostKey(pin).build()).open())
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(Reason.HOST_KEY_CHANGED);
					assertThat(ex.getMessage()).contains("man-in-the-middle");
					assertThat(ex.getAction()).contains("ssh.tunnel.host-key");
				});
		}
	}

	@Test
	void invalidPinIsAConfigurationError() {
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnel(settings().hostKey("not a key").build()).open())
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.INVALID_CONFIGURATION);
				assertThat(ex.getMessage()).contains("ssh.tunnel.host-key");
			});
	}

	private TunnelSettings.Builder settings() {
		return TunnelSettings.builder("127.0.0.1")
			.port(this.server.port())
			.username("alice")
			.password("secret")
			.connectTimeout(Duration.ofSeconds(5));
	}

}

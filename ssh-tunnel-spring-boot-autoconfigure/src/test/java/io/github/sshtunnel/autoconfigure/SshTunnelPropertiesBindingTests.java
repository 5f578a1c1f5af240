package io.github.sshtunnel.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.DefaultResourceLoader;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.HostKeyChecking;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.TunnelSettings;
import io.github.sshtunnel.testsupport.TestSshServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for binding and validating {@link SshTunnelProperties}.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelPropertiesBindingTests {

	private final Map<String, String> properties = new HashMap<>();

	@Test
	void defaultsMatchTheDocumentedContract() {
		SshTunnelProperties bound = bind(Map.of("ssh.tunnel.host", "db.example.com"));
		assertThat(bound.isEnabled()).isTrue();
		assertThat(bound.getPort()).isEqualTo(22);
		assertThat(bound.getUsername()).isEqualTo(System.getProperty("user.name"));
		assertThat(bound.getStrictHostKeyChecking()).isEqualTo("yes");
		assertThat(bound.getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(bound.isFailFast()).isTrue();
		assertThat(bound.getKeepalive().getInterval()).isEqualTo(Duration.ofSeconds(15));
		assertThat(bound.getKeepalive().getCountMax()).isEqualTo(3);
		assertThat(bound.getReconnect().isEnabled()).isTrue();
		assertThat(bound.getReconnect().getInitialDelay()).isEqualTo(Duration.ofSeconds(1));
		assertThat(bound.getReconnect().getMaxDelay()).isEqualTo(Duration.ofSeconds(30));
		TunnelSettings settings = settings(bound);
		assertThat(settings.getKnownHosts()).isEqualTo(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
		assertThat(settings.getHostKeyChecking()).isEqualTo(HostKeyChecking.YES);
	}

	@Test
	void bindsEveryProperty() {
		this.properties.put("ssh.tunnel.enabled", "true");
		this.properties.put("ssh.tunnel.host", "bastion.example.com");
		this.properties.put("ssh.tunnel.port", "2222");
		this.properties.put("ssh.tunnel.username", "app");
		this.properties.put("ssh.tunnel.password", "s3cret");
		this.properties.put("ssh.tunnel.private-key", "file:/keys/id_ed25519");
		this.properties.put("ssh.tunnel.private-key-passphrase", "phrase");
		this.properties.put("ssh.tunnel.known-hosts", "file:/etc/ssh/ssh_known_hosts");
		this.properties.put("ssh.tunnel.host-key", "SHA256:abc");
		this.properties.put("ssh.tunnel.strict-host-key-checking", "accept-new");
		this.properties.put("ssh.tunnel.connect-timeout", "3s");
		this.properties.put("ssh.tunnel.fail-fast", "false");
		this.properties.put("ssh.tunnel.keepalive.interval", "5s");
		this.properties.put("ssh.tunnel.keepalive.count-max", "4");
		this.properties.put("ssh.tunnel.reconnect.enabled", "false");
		this.properties.put("ssh.tunnel.reconnect.initial-delay", "2s");
		this.properties.put("ssh.tunnel.reconnect.max-delay", "1m");
		this.properties.put("ssh.tunnel.forwards.db.local-host", "127.0.0.2");
		this.properties.put("ssh.tunnel.forwards.db.local-port", "63333");
		this.properties.put("ssh.tunnel.forwards.db.remote-host", "db.internal");
		this.properties.put("ssh.tunnel.forwards.db.remote-port", "8000");
		SshTunnelProperties bound = bind(this.properties);
		assertThat(bound.getHost()).isEqualTo("bastion.example.com");
		assertThat(bound.getPort()).isEqualTo(2222);
		assertThat(bound.getUsername()).isEqualTo("app");
		assertThat(bound.getPassword()).isEqualTo("s3cret");
		assertThat(bound.getPrivateKey()).isEqualTo("file:/keys/id_ed25519");
		assertThat(bound.getPrivateKeyPassphrase()).isEqualTo("phrase");
		assertThat(bound.getKnownHosts()).isEqualTo("file:/etc/ssh/ssh_known_hosts");
		assertThat(bound.getHostKey()).isEqualTo("SHA256:abc");
		assertThat(bound.getStrictHostKeyChecking()).isEqualTo("accept-new");
		assertThat(bound.getConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(bound.isFailFast()).isFalse();
		assertThat(bound.getKeepalive().getInterval()).isEqualTo(Duration.ofSeconds(5));
		assertThat(bound.getKeepalive().getCountMax()).isEqualTo(4);
		assertThat(bound.getReconnect().isEnabled()).isFalse();
		assertThat(bound.getReconnect().getInitialDelay()).isEqualTo(Duration.ofSeconds(2));
		assertThat(bound.getReconnect().getMaxDelay()).isEqualTo(Duration.ofMinutes(1));
		SshTunnelProperties.Forward forward = bound.getForwards().get("db");
		assertThat(forward.getLocalHost()).isEqualTo("127.0.0.2");
		assertThat(forward.getLocalPort()).isEqualTo(63333);
		assertThat(forward.getRemoteHost()).isEqualTo("db.internal");
		assertThat(forward.getRemotePort()).isEqualTo(8000);
		TunnelSettings settings = settings(bound);
		assertThat(settings.getForwards())
			.containsExactly(new ForwardSettings("db", "127.0.0.2", 63333, "db.internal", 8000));
		assertThat(settings.getHostKeyChecking()).isEqualTo(HostKeyChecking.ACCEPT_NEW);
		assertThat(settings.getPrivateKey().description()).isEqualTo("/keys/id_ed25519");
		assertThat(settings.toString()).doesNotContain("s3cret").doesNotContain("phrase");
	}

	@Test
	void bindsSshConfigWhichIsOffByDefault() {
		assertThat(bind(Map.of("ssh.tunnel.host", "h")).getSshConfig()).isNull();
		assertThat(bind(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.ssh-config", "file:/home/app/.ssh/config"))
			.getSshConfig()).isEqualTo("file:/home/app/.ssh/config");
	}

	@Test
	void forwardDefaultsToLoopbackAndAFreePort() {
		SshTunnelProperties bound = bind(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.forwards.db.remote-port", "5432"));
		assertThat(settings(bound).getForwards())
			.containsExactly(new ForwardSettings("db", "127.0.0.1", 0, "localhost", 5432));
	}

	@Test
	void acceptsYamlBooleansAndOpenSshWordsForHostKeyChecking() {
		assertThat(checking("no")).isEqualTo(HostKeyChecking.NO);
		assertThat(checking("false")).isEqualTo(HostKeyChecking.NO);
		assertThat(checking("yes")).isEqualTo(HostKeyChecking.YES);
		assertThat(checking("true")).isEqualTo(HostKeyChecking.YES);
		assertThat(checking("accept-new")).isEqualTo(HostKeyChecking.ACCEPT_NEW);
	}

	@Test
	void rejectsUnknownHostKeyCheckingNamingTheProperty() {
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.strict-host-key-checking", "maybe"),
				"ssh.tunnel.strict-host-key-checking");
	}

	@Test
	void rejectsMissingRemotePortNamingTheProperty() {
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.forwards.db.local-port", "63333"),
				"ssh.tunnel.forwards.db.remote-port");
	}

	@Test
	void rejectsOutOfRangePortsNamingTheProperty() {
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.port", "0"), "ssh.tunnel.port");
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.port", "70000"), "ssh.tunnel.port");
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.forwards.db.remote-port", "65536"),
				"ssh.tunnel.forwards.db.remote-port");
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.forwards.db.remote-port", "5432",
				"ssh.tunnel.forwards.db.local-port", "-1"), "ssh.tunnel.forwards.db.local-port");
	}

	@Test
	void rejectsInvalidDurationsNamingTheProperty() {
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.connect-timeout", "0s"), "ssh.tunnel.connect-timeout");
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.keepalive.count-max", "0"),
				"ssh.tunnel.keepalive.count-max");
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.reconnect.initial-delay", "10s",
				"ssh.tunnel.reconnect.max-delay", "1s"), "ssh.tunnel.reconnect.max-delay");
	}

	@Test
	void rejectsTwoForwardsOnTheSameLocalPort() {
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.forwards.a.remote-port", "1",
				"ssh.tunnel.forwards.a.local-port", "63333", "ssh.tunnel.forwards.b.remote-port", "2",
				"ssh.tunnel.forwards.b.local-port", "63333"), "local-port");
	}

	@Test
	void rejectsKeyTextWithoutPemHeader() {
		assertInvalid(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.private-key", "b3BlbnNzaC1rZXktdjEAAAA\nAAAA"),
				"ssh.tunnel.private-key");
	}

	@Test
	void inlinePemIsDescribedWithoutItsContent() {
		String pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----";
		TunnelSettings settings = settings(bind(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.private-key", pem)));
		assertThat(settings.getPrivateKey().description()).doesNotContain("b3BlbnNzaC1rZXktdjEAAAA");
		assertThat(settings.toString()).doesNotContain("b3BlbnNzaC1rZXktdjEAAAA");
	}

	@Test
	void hostKeyPinReplacesKnownHosts(@TempDir Path temp) {
		try (TestSshServer server = TestSshServer.withPassword("alice", "secret").start()) {
			Map<String, String> properties = Map.of("ssh.tunnel.host", "127.0.0.1", "ssh.tunnel.port",
					String.valueOf(server.port()), "ssh.tunnel.username", "alice", "ssh.tunnel.password", "secret");
			// a known_hosts file that does not exist is never read: the pin alone decides
			Map<String, String> missingKnownHosts = new HashMap<>(properties);
			missingKnownHosts.put("ssh.tunnel.known-hosts", "file:" + temp.resolve("missing_known_hosts"));
			missingKnownHosts.put("ssh.tunnel.host-key", server.hostKeyFingerprint());
			TunnelSettings pinned = settings(bind(missingKnownHosts));
			assertThat(pinned.getHostKey()).isEqualTo(server.hostKeyFingerprint());
			assertThat(pinned.getKnownHosts()).isNotEqualTo(temp.resolve("missing_known_hosts"));
			try (SshTunnel tunnel = new SshTunnel(pinned).open()) {
				assertThat(tunnel.state().isUp()).isTrue();
			}
			assertThat(temp.resolve("missing_known_hosts")).doesNotExist();
			// a known_hosts file that trusts the server does not override a pin that does
			// not
			Map<String, String> trustingKnownHosts = new HashMap<>(properties);
			trustingKnownHosts.put("ssh.tunnel.known-hosts",
					"file:" + server.writeKnownHosts(temp.resolve("known_hosts")));
			trustingKnownHosts.put("ssh.tunnel.host-key", "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
			SshTunnel mismatched = new SshTunnel(settings(bind(trustingKnownHosts)));
			assertThatExceptionOfType(SshTunnelException.class).isThrownBy(mismatched::open)
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(SshTunnelException.Reason.HOST_KEY_CHANGED));
			mismatched.close();
		}
	}

	@Test
	void defaultsAreTheCoresDefaults() {
		// the properties carry their defaults for the metadata; the core's builder is the
		// reference, so that the two cannot drift apart unseen
		SshTunnelProperties properties = new SshTunnelProperties();
		properties.setHost("h");
		properties.setHostKey("SHA256:abc");
		properties.getForwards().put("db", new SshTunnelProperties.Forward());
		properties.getForwards().get("db").setRemotePort(5432);
		TunnelSettings mapped = settings(properties);
		TunnelSettings core = TunnelSettings.builder("h")
			.hostKey("SHA256:abc")
			.forward(ForwardSettings.of("db", 5432))
			.build();
		assertThat(mapped.getPort()).isEqualTo(core.getPort());
		assertThat(mapped.getUsername()).isEqualTo(core.getUsername());
		assertThat(mapped.getHostKeyChecking()).isEqualTo(core.getHostKeyChecking());
		assertThat(mapped.getConnectTimeout()).isEqualTo(core.getConnectTimeout());
		assertThat(mapped.isFailFast()).isEqualTo(core.isFailFast());
		assertThat(mapped.getKeepaliveInterval()).isEqualTo(core.getKeepaliveInterval());
		assertThat(mapped.getKeepaliveCountMax()).isEqualTo(core.getKeepaliveCountMax());
		assertThat(mapped.isReconnectEnabled()).isEqualTo(core.isReconnectEnabled());
		assertThat(mapped.getReconnectInitialDelay()).isEqualTo(core.getReconnectInitialDelay());
		assertThat(mapped.getReconnectMaxDelay()).isEqualTo(core.getReconnectMaxDelay());
		assertThat(mapped.getForwards()).isEqualTo(core.getForwards());
	}

	@Test
	void handWrittenMetadataDefaultsAreTheCoresDefaults() throws Exception {
		// map entries (forwards.*) get their metadata from a hand-written file: it must
		// say what the core does
		String metadata;
		try (InputStream input = getClass()
			.getResourceAsStream("/META-INF/additional-spring-configuration-metadata.json")) {
			metadata = new String(input.readAllBytes(), StandardCharsets.UTF_8);
		}
		List<Map<String, Object>> properties = JsonPath.read(metadata, "$.properties[?(@.defaultValue)]");
		Map<String, String> defaults = new HashMap<>();
		for (Map<String, Object> property : properties) {
			defaults.put((String) property.get("name"), String.valueOf(property.get("defaultValue")));
		}
		ForwardSettings core = ForwardSettings.of("db", 5432);
		assertThat(defaults).containsEntry("ssh.tunnel.forwards.*.local-host", core.localHost())
			.containsEntry("ssh.tunnel.forwards.*.local-port", String.valueOf(core.localPort()))
			.containsEntry("ssh.tunnel.forwards.*.remote-host", core.remoteHost());
	}

	private HostKeyChecking checking(String value) {
		return settings(bind(Map.of("ssh.tunnel.host", "h", "ssh.tunnel.strict-host-key-checking", value)))
			.getHostKeyChecking();
	}

	private void assertInvalid(Map<String, String> source, String property) {
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> settings(bind(source))).satisfies((ex) -> {
			assertThat(ex.getReason()).isEqualTo(SshTunnelException.Reason.INVALID_CONFIGURATION);
			assertThat(ex.getMessage()).contains(property);
			assertThat(ex.getAction()).contains(property);
		});
	}

	private static SshTunnelProperties bind(Map<String, String> source) {
		return new Binder(new MapConfigurationPropertySource(source)).bind("ssh.tunnel", SshTunnelProperties.class)
			.orElseGet(SshTunnelProperties::new);
	}

	private static TunnelSettings settings(SshTunnelProperties properties) {
		return new SshTunnelSettingsFactory(new DefaultResourceLoader()).create(properties);
	}

}

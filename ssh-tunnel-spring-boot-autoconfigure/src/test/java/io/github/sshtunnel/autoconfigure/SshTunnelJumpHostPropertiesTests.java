package io.github.sshtunnel.autoconfigure;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.io.DefaultResourceLoader;

import io.github.sshtunnel.core.JumpHost;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.TunnelSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Binding of {@code ssh.tunnel.proxy-jump} (OpenSSH's syntax and order) and
 * {@code ssh.tunnel.jump-hosts[N]} (settings per hop, falling back to the tunnel's).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelJumpHostPropertiesTests {

	@Test
	void proxyJumpKeepsOpenSshOrderUsersPortsAndIpv6() {
		List<JumpHost> hops = settings("ssh.tunnel.proxy-jump",
				"app@bastion.example.com:2222, [::1]:2200,gw,ops@[fe80::1]")
			.getJumpHosts();
		assertThat(hops).extracting(JumpHost::getHost).containsExactly("bastion.example.com", "::1", "gw", "fe80::1");
		assertThat(hops).extracting(JumpHost::getPort).containsExactly(2222, 2200, 22, 22);
		assertThat(hops).extracting(JumpHost::getUsername).containsExactly("app", null, null, "ops");
	}

	@Test
	void proxyJumpNoneMeansDirect() {
		assertThat(settings("ssh.tunnel.proxy-jump", "none").getJumpHosts()).isEmpty();
	}

	@Test
	void rejectsBadProxyJumpSyntaxNamingTheProperty() {
		for (String bad : List.of("bastion:", "bastion:ssh", "bastion:70000", "[::1", "::1", "a,,b", "@host",
				"[::1]2222", "bad host")) {
			assertThatExceptionOfType(SshTunnelException.class).as(bad)
				.isThrownBy(() -> settings("ssh.tunnel.proxy-jump", bad))
				.satisfies((ex) -> {
					assertThat(ex.getReason()).isEqualTo(SshTunnelException.Reason.INVALID_CONFIGURATION);
					assertThat(ex.getMessage()).contains("ssh.tunnel.proxy-jump");
					assertThat(ex.getAction()).contains("ssh.tunnel.proxy-jump").contains("[user@]host[:port]");
				});
		}
	}

	@Test
	void rejectsProxyJumpAndJumpHostsTogetherNamingBoth() {
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> settings("ssh.tunnel.proxy-jump", "bastion", "ssh.tunnel.jump-hosts[0].host", "other"))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(SshTunnelException.Reason.INVALID_CONFIGURATION);
				assertThat(ex.getMessage()).contains("ssh.tunnel.proxy-jump").contains("ssh.tunnel.jump-hosts");
			});
	}

	@Test
	void userDefinedTunnelNamesItsOwnProperties() {
		Map<String, String> source = Map.of("ssh.tunnel.host", "db-host", "ssh.tunnel.proxy-jump", "bastion",
				"ssh.tunnel.jump-hosts[0].host", "other");
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> new SshTunnelSettingsFactory(new DefaultResourceLoader(), "tunnels.reporting")
				.create(bind(source)))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("tunnels.reporting.proxy-jump")
				.contains("tunnels.reporting.jump-hosts"));
	}

	@Test
	void jumpHostsBindPerHopAndFallBackToTheTunnel() {
		TunnelSettings settings = settings("ssh.tunnel.username", "app", "ssh.tunnel.password", "tunnel-secret",
				"ssh.tunnel.jump-hosts[0].host", "bastion", "ssh.tunnel.jump-hosts[0].port", "2222",
				"ssh.tunnel.jump-hosts[0].password", "hop-secret", "ssh.tunnel.jump-hosts[0].certificate",
				"file:/keys/id-cert.pub", "ssh.tunnel.jump-hosts[0].identity-agent", "/run/agent.sock",
				"ssh.tunnel.jump-hosts[0].host-key", "SHA256:abc", "ssh.tunnel.jump-hosts[1].host", "inner",
				"ssh.tunnel.jump-hosts[1].username", "ops");
		List<JumpHost> hops = settings.getJumpHosts();
		assertThat(hops).hasSize(2);
		assertThat(hops.get(0).getCertificate().description()).contains("/keys/id-cert.pub");
		TunnelSettings first = hops.get(0).settingsFor(settings, 0);
		assertThat(first.getHost()).isEqualTo("bastion");
		assertThat(first.getPort()).isEqualTo(2222);
		assertThat(first.getUsername()).isEqualTo("app");
		assertThat(first.getPassword()).isEqualTo("hop-secret");
		assertThat(first.getHostKey()).isEqualTo("SHA256:abc");
		TunnelSettings second = hops.get(1).settingsFor(settings, 1);
		assertThat(second.getUsername()).isEqualTo("ops");
		assertThat(second.getPassword()).isEqualTo("tunnel-secret");
		assertThat(second.getHostKey()).isNull();
		assertThat(settings.toString()).contains("bastion:2222").doesNotContain("hop-secret");
	}

	@Test
	void aHopsCertificateWithoutAnyKeyNamesTheHopsCertificateProperty() {
		TunnelSettings settings = settings("ssh.tunnel.password", "tunnel-secret", "ssh.tunnel.jump-hosts[0].host",
				"bastion", "ssh.tunnel.jump-hosts[0].certificate", "file:/keys/id-cert.pub");
		JumpHost hop = settings.getJumpHosts().get(0);
		assertThat(hop.certificateProperty(0)).isEqualTo("ssh.tunnel.jump-hosts[0].certificate");
		assertThatExceptionOfType(SshTunnelException.class).isThrownBy(() -> hop.settingsFor(settings, 0))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(SshTunnelException.Reason.INVALID_CONFIGURATION);
				assertThat(ex.getMessage()).contains("ssh.tunnel.jump-hosts[0].certificate")
					.contains("needs a private key or an identity agent")
					.doesNotContain("tunnel-secret");
			});
		JumpHost inheriting = settings("ssh.tunnel.proxy-jump", "bastion").getJumpHosts().get(0);
		assertThat(inheriting.certificateProperty(0)).isEqualTo("ssh.tunnel.certificate");
	}

	@Test
	void rejectsAJumpHostWithoutHostNamingIt() {
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(() -> settings("ssh.tunnel.jump-hosts[0].port", "2222"))
			.withMessageContaining("ssh.tunnel.jump-hosts[0].host");
	}

	@Test
	void rejectsAJumpHostPortOutOfRangeNamingIt() {
		assertThatExceptionOfType(SshTunnelException.class)
			.isThrownBy(
					() -> settings("ssh.tunnel.jump-hosts[0].host", "bastion", "ssh.tunnel.jump-hosts[0].port", "0"))
			.withMessageContaining("ssh.tunnel.jump-hosts[0].port");
	}

	private static TunnelSettings settings(String... keysAndValues) {
		Map<String, String> source = new HashMap<>();
		source.put("ssh.tunnel.host", "db-host");
		source.put("ssh.tunnel.strict-host-key-checking", "no");
		for (int i = 0; i < keysAndValues.length; i += 2) {
			source.put(keysAndValues[i], keysAndValues[i + 1]);
		}
		return new SshTunnelSettingsFactory(new DefaultResourceLoader()).create(bind(source));
	}

	private static SshTunnelProperties bind(Map<String, String> source) {
		return new Binder(new MapConfigurationPropertySource(source)).bind("ssh.tunnel", SshTunnelProperties.class)
			.orElseGet(SshTunnelProperties::new);
	}

}

package io.github.sshtunnel.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.ClientBuilder;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.kex.BuiltinDHFactories;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.PrivateKeySource;
import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.TunnelSettings;

/**
 * Times {@code SshTunnel.open()} (bind, TCP connect, key exchange, authentication) with
 * the starter's defaults: the first session in a fresh JVM, then later sessions in the
 * same JVM.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class OpenTime {

	private OpenTime() {
	}

	public static void main(String[] args) {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		String user = args[2];
		Path key = Path.of(args[3]);
		Path knownHosts = Path.of(args[4]);
		int count = Integer.parseInt(args[5]);
		TunnelSettings settings = TunnelSettings.builder(host)
			.port(port)
			.username(user)
			.privateKey(PrivateKeySource.ofPath(key))
			.knownHosts(knownHosts)
			.forward(ForwardSettings.of("db", 5432))
			.build();
		List<Long> micros = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			long start = System.nanoTime();
			SshTunnel tunnel = new SshTunnel(settings, customizers()).open();
			micros.add((System.nanoTime() - start) / 1000);
			tunnel.close();
		}
		StringBuilder out = new StringBuilder("OPEN");
		for (long value : micros) {
			out.append(' ').append(value);
		}
		System.out.println(out);
	}

	/**
	 * With {@code -Dbench.kex=name,...}, force the key exchange algorithms, to measure
	 * their cost (the starter's defaults otherwise).
	 */
	private static List<SshClientCustomizer> customizers() {
		String kex = System.getProperty("bench.kex");
		if (kex == null) {
			return List.of();
		}
		return List.of((client) -> client.setKeyExchangeFactories(NamedFactory.setUpTransformedFactories(false,
				BuiltinDHFactories.parseDHFactoriesList(kex).getParsedFactories(), ClientBuilder.DH2KEX)));
	}

}

package io.github.sshtunnel.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshClientCustomizer;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.jdbc.SshTunnelJdbc;

/**
 * A minimal Spring Boot application with the starter and nothing else: the forwarding
 * process of the "starter" configuration, and the subject of the footprint figures.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@SpringBootApplication
public class TunnelApplication {

	/**
	 * A/B experiments on the tunnel's MINA client, off unless asked for:
	 * {@code -Dbench.experiment.<MINA property>=<value>} (for example
	 * {@code -Dbench.experiment.nio2-read-buf-size=262144}) sets that
	 * {@code CoreModuleProperties} property after the starter's own settings. Passed to
	 * the starter's JVM with {@code -Dbench.starter-java-options}.
	 * {@code -Dbench.experiment-cipher=<SSH cipher name>} (for example
	 * {@code aes128-ctr}) offers that cipher only, instead of the starter's order.
	 * {@code -Dbench.experiment-exec=true} runs {@code true} on the server after each
	 * login ({@link ExecOnLogin}).
	 * @return the customizer
	 */
	@Bean
	SshClientCustomizer benchmarkExperiments() {
		return (client) -> {
			System.getProperties().stringPropertyNames().forEach((name) -> {
				if (name.startsWith("bench.experiment.")) {
					String property = name.substring("bench.experiment.".length());
					client.getProperties().put(property, System.getProperty(name));
					System.out.println("experiment: " + property + "=" + System.getProperty(name));
				}
			});
			if (Boolean.getBoolean("bench.experiment-exec")) {
				client.addSessionListener(new ExecOnLogin());
				System.out.println("experiment: exec 'true' after each login");
			}
			String cipher = System.getProperty("bench.experiment-cipher");
			if (cipher != null) {
				BuiltinCiphers chosen = BuiltinCiphers.fromFactoryName(cipher);
				if (chosen == null || !chosen.isSupported()) {
					throw new IllegalArgumentException("bench.experiment-cipher: unknown or unsupported " + cipher);
				}
				client.setCipherFactories(List.of(chosen));
				System.out.println("experiment: cipher " + cipher);
			}
		};
	}

	/**
	 * Runs the command {@code true} in a session channel once a session is authenticated:
	 * OpenSSH's {@code sshd} turns Nagle's algorithm off for a connection at its first
	 * command or shell ({@code ssh_packet_set_interactive}), which {@code ssh -tt} gets
	 * and a forwarding-only client never does. The channel is not waited for; it closes
	 * when the command ends.
	 */
	private static final class ExecOnLogin implements SessionListener {

		@Override
		public void sessionEvent(Session session, Event event) {
			if (event == Event.Authenticated && session instanceof ClientSession client) {
				try {
					client.createExecChannel("true").open();
				}
				catch (IOException ex) {
					System.out.println("experiment: exec failed: " + ex);
				}
			}
		}

	}

	static void forward(String[] args) throws IOException {
		try (ConfigurableApplicationContext context = start(args)) {
			StringBuilder ready = new StringBuilder("READY");
			for (ForwardState forward : context.getBean(SshTunnel.class).state().forwards()) {
				ready.append(' ').append(forward.name()).append('=').append(forward.localPort());
			}
			System.out.println(ready);
			System.out.flush();
			// forward until the runner closes our standard input
			while (System.in.read() != -1) {
				// ignore input
			}
		}
	}

	/**
	 * {@code jdbc port|socket pgPort seconds warmupSeconds --ssh.tunnel...}: start, run
	 * the JDBC load ({@link JdbcLoad}) in this JVM, beside the tunnel, print its line and
	 * stop. {@code port}: through the forward named {@code db} (127.0.0.1:its local
	 * port), which is what the starter's port mode creates; {@code socket}: the URL names
	 * the database as the SSH server sees it and the driver gets the starter's socket
	 * factory ({@link SshTunnelJdbc#driverProperties}), so no local port is used.
	 */
	static void jdbc(String[] args) throws Exception {
		String mode = args[0];
		int pgPort = Integer.parseInt(args[1]);
		Duration duration = Duration.ofSeconds(Long.parseLong(args[2]));
		Duration warmup = Duration.ofSeconds(Long.parseLong(args[3]));
		try (ConfigurableApplicationContext context = start(Arrays.copyOfRange(args, 4, args.length))) {
			SshTunnel tunnel = context.getBean(SshTunnel.class);
			String url;
			Properties properties = new Properties();
			if ("socket".equals(mode)) {
				url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
				properties.putAll(SshTunnelJdbc.driverProperties(url, "sshTunnel"));
			}
			else {
				int local = tunnel.state()
					.forwards()
					.stream()
					.filter((forward) -> forward.name().equals("db"))
					.findFirst()
					.orElseThrow(() -> new IllegalStateException("No forward named db"))
					.localPort();
				url = "jdbc:postgresql://127.0.0.1:" + local + "/postgres";
			}
			System.out.println(JdbcLoad.measure(url, properties, duration, warmup));
		}
	}

	/**
	 * Start, then print the heap after GC, RSS, threads, the JVM's uptime once the
	 * application is ready, and how long creating the {@code sshTunnel} bean took (that
	 * is, opening the tunnel during the context refresh: Spring's own startup step).
	 */
	static void footprint(String[] args) throws IOException {
		BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
		try (ConfigurableApplicationContext context = start(args, startup)) {
			long uptimeMs = ManagementFactory.getRuntimeMXBean().getUptime();
			long tunnelMicros = startup.getBufferedTimeline()
				.getEvents()
				.stream()
				.filter((event) -> "spring.beans.instantiate".equals(event.getStartupStep().getName()))
				.filter((event) -> tagged(event.getStartupStep(), "beanName", "sshTunnel"))
				.mapToLong((event) -> event.getDuration().toNanos() / 1000)
				.findFirst()
				.orElse(-1);
			for (int i = 0; i < 3; i++) {
				System.gc();
			}
			MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
			long rssKb = rssKb();
			System.out.println("FOOTPRINT heapUsed=" + heap.getUsed() + " rssKb=" + rssKb + " threads="
					+ Thread.activeCount() + " tunnel=" + context.containsBean("sshTunnel") + " readyMs=" + uptimeMs
					+ " tunnelBeanMicros=" + tunnelMicros);
		}
	}

	private static boolean tagged(StartupStep step, String key, String value) {
		for (StartupStep.Tag tag : step.getTags()) {
			if (key.equals(tag.getKey()) && value.equals(tag.getValue())) {
				return true;
			}
		}
		return false;
	}

	private static ConfigurableApplicationContext start(String[] args) {
		return start(args, ApplicationStartup.DEFAULT);
	}

	private static ConfigurableApplicationContext start(String[] args, ApplicationStartup startup) {
		return new SpringApplicationBuilder(TunnelApplication.class).web(WebApplicationType.NONE)
			.applicationStartup(startup)
			.logStartupInfo(false)
			.properties("spring.main.banner-mode=off", "logging.level.root=warn")
			.run(args);
	}

	private static long rssKb() throws IOException {
		Path status = Path.of("/proc/self/status");
		if (!Files.exists(status)) {
			return -1;
		}
		for (String line : Files.readAllLines(status)) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		return -1;
	}

}

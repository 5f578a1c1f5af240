package io.github.sshtunnel.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SshTunnel;

/**
 * A minimal Spring Boot application with the starter and nothing else: the forwarding
 * process of the "starter" configuration, and the subject of the footprint figures.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
@SpringBootApplication
public class TunnelApplication {

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

	static void footprint(String[] args) throws IOException {
		try (ConfigurableApplicationContext context = start(args)) {
			for (int i = 0; i < 3; i++) {
				System.gc();
			}
			MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
			long rssKb = rssKb();
			System.out.println("FOOTPRINT heapUsed=" + heap.getUsed() + " rssKb=" + rssKb + " threads="
					+ Thread.activeCount() + " tunnel=" + context.containsBean("sshTunnel"));
		}
	}

	private static ConfigurableApplicationContext start(String[] args) {
		return new SpringApplicationBuilder(TunnelApplication.class).web(WebApplicationType.NONE)
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

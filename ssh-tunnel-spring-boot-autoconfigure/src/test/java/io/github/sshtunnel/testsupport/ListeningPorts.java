package io.github.sshtunnel.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The TCP ports this JVM listens on, read from {@code /proc/net/tcp}, {@code tcp6} and
 * the process's own file descriptors (Linux).
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class ListeningPorts {

	private static final String LISTEN = "0A";

	private ListeningPorts() {
	}

	/**
	 * Return the ports this JVM listens on.
	 * @return the ports
	 * @throws IOException if {@code /proc} cannot be read
	 */
	public static Set<Integer> ofThisJvm() throws IOException {
		Map<String, Integer> listeningByInode = new HashMap<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path path = Path.of(table);
			if (!Files.exists(path)) {
				continue;
			}
			List<String> lines = Files.readAllLines(path);
			for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 9 && LISTEN.equals(fields[3])) {
					String local = fields[1];
					int port = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
					listeningByInode.put(fields[9], port);
				}
			}
		}
		Set<String> ownInodes = new HashSet<>();
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			fds.forEach((fd) -> {
				try {
					String target = Files.readSymbolicLink(fd).toString();
					if (target.startsWith("socket:[")) {
						ownInodes.add(target.substring(8, target.length() - 1));
					}
				}
				catch (IOException ex) {
					// closed meanwhile
				}
			});
		}
		Set<Integer> ports = new TreeSet<>();
		listeningByInode.forEach((inode, port) -> {
			if (ownInodes.contains(inode)) {
				ports.add(port);
			}
		});
		return ports;
	}

}

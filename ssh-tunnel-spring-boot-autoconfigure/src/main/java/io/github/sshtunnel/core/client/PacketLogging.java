package io.github.sshtunnel.core.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns, once per JVM, when Apache MINA SSHD's packet-dumping loggers are at TRACE: MINA
 * then writes whole SSH packets to the log, including the password of a
 * {@code USERAUTH_REQUEST} and the forwarded database traffic.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class PacketLogging {

	/**
	 * The loggers under which MINA dumps the packets of a client session and the data of
	 * its forwarding channels.
	 */
	static final List<String> PACKET_LOGGERS = List.of("org.apache.sshd.client.session.ClientSessionImpl",
			"org.apache.sshd.client.channel.ChannelDirectTcpip", "org.apache.sshd.common.forward.TcpipClientChannel",
			"org.apache.sshd.client.auth.password.UserAuthPassword");

	private static final Logger logger = LoggerFactory.getLogger(PacketLogging.class);

	private static final AtomicBoolean warned = new AtomicBoolean();

	private PacketLogging() {
	}

	/**
	 * Warn if any packet-dumping logger is at TRACE, the first time only.
	 */
	public static void warnOnceIfEnabled() {
		List<String> tracing = tracingLoggers();
		if (!tracing.isEmpty() && warned.compareAndSet(false, true)) {
			logger.warn("MINA SSHD logs whole SSH packets at TRACE, including the SSH password and the forwarded "
					+ "database traffic, and {} {} at TRACE. Set logging.level.org.apache.sshd=INFO (or at most "
					+ "DEBUG) outside a lab, and treat logs written so far as secret.", tracing,
					(tracing.size() == 1) ? "is" : "are");
		}
	}

	static List<String> tracingLoggers() {
		List<String> tracing = new ArrayList<>();
		for (String name : PACKET_LOGGERS) {
			if (LoggerFactory.getLogger(name).isTraceEnabled()) {
				tracing.add(name);
			}
		}
		return tracing;
	}

}

package io.github.sshtunnel.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.github.sshtunnel.core.ForwardSettings;
import io.github.sshtunnel.core.ForwardState;
import io.github.sshtunnel.core.SessionStatus;
import io.github.sshtunnel.core.SshTunnel;
import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelListener;
import io.github.sshtunnel.core.TunnelState;

/**
 * Micrometer meters of {@link SshTunnel}s, each tagged {@code tunnel=<name>} (the bean
 * name, {@code sshTunnel} for the auto-configured one). Counters read the tunnel's own
 * counters when scraped ({@link FunctionCounter}), so counting costs the forwarding path
 * nothing but an atomic add. Connect times are recorded from the tunnel's events, through
 * the listener that {@link #register(String, SshTunnel)} returns; those that happen
 * before a registry is bound (the first connect, at start-up) are kept and recorded on
 * binding.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public class SshTunnelMetrics implements MeterBinder {

	private final List<TunnelMeters> tunnels = new ArrayList<>();

	private final List<MeterRegistry> registries = new ArrayList<>();

	/**
	 * Add a tunnel: bind its meters to every registry bound so far and to those bound
	 * later.
	 * @param name the name of the tunnel, its {@code tunnel} tag
	 * @param tunnel the tunnel
	 * @return the listener that records the tunnel's connect times: add it to the tunnel
	 * before opening it
	 */
	public SshTunnelListener register(String name, SshTunnel tunnel) {
		TunnelMeters meters = new TunnelMeters(name, tunnel);
		synchronized (this.tunnels) {
			this.tunnels.add(meters);
			for (MeterRegistry registry : this.registries) {
				meters.bindTo(registry);
			}
		}
		return meters;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		synchronized (this.tunnels) {
			this.registries.add(registry);
			for (TunnelMeters meters : this.tunnels) {
				meters.bindTo(registry);
			}
		}
	}

	private static final class TunnelMeters implements SshTunnelListener {

		private final SshTunnel tunnel;

		private final Tags tags;

		private final List<Sample> pending = new ArrayList<>();

		private final List<Timer> successTimers = new ArrayList<>();

		private final List<Timer> failureTimers = new ArrayList<>();

		private final Set<String> forwardNames = new HashSet<>();

		private final Set<String> routes = new LinkedHashSet<>();

		private final List<MeterRegistry> boundRegistries = new ArrayList<>();

		TunnelMeters(String name, SshTunnel tunnel) {
			this.tunnel = tunnel;
			this.tags = Tags.of("tunnel", name);
		}

		void bindTo(MeterRegistry registry) {
			SshTunnel sshTunnel = this.tunnel;
			Tags tags = this.tags;
			Gauge.builder("ssh.tunnel.session.connected", sshTunnel, SshTunnelMetrics::connected)
				.tags(tags)
				.description("1 while the SSH session is open and authenticated, else 0")
				.register(registry);
			Timer success = connectTimer(registry, tags, "success");
			Timer failure = connectTimer(registry, tags, "failure");
			FunctionCounter.builder("ssh.tunnel.reconnects", sshTunnel, (t) -> t.state().reconnects())
				.tags(tags)
				.description("SSH sessions re-established after a loss")
				.register(registry);
			FunctionCounter.builder("ssh.tunnel.key.exchanges", sshTunnel, (t) -> t.state().keyExchanges())
				.tags(tags)
				.description("SSH key exchanges completed: the first of each session and every re-exchange")
				.register(registry);
			FunctionCounter.builder("ssh.tunnel.handshakes.dropped", sshTunnel, (t) -> t.state().handshakesDropped())
				.tags(tags)
				.description("Connections the SSH server closed during the handshake (retried at start-up); "
						+ "a busy server at its MaxStartups limit")
				.register(registry);
			Gauge.builder("ssh.tunnel.keepalive.reply.age", sshTunnel, SshTunnelMetrics::keepaliveReplyAge)
				.tags(tags)
				.baseUnit("seconds")
				.description("Seconds since the SSH server last answered a keepalive request (NaN without a "
						+ "session); grows past the keepalive interval while the session is stalled")
				.register(registry);
			for (ForwardSettings forward : sshTunnel.settings().getForwards()) {
				bindForward(registry, forward.name());
			}
			synchronized (this.forwardNames) {
				this.boundRegistries.add(registry);
				for (String route : this.routes) {
					bindForward(registry, route);
				}
			}
			synchronized (this.pending) {
				this.successTimers.add(success);
				this.failureTimers.add(failure);
				for (Sample sample : this.pending) {
					(sample.success ? success : failure).record(sample.nanos, TimeUnit.NANOSECONDS);
				}
			}
		}

		private void bindForward(MeterRegistry registry, String forwardName) {
			SshTunnel sshTunnel = this.tunnel;
			Tags forwardTags = this.tags.and("forward", forwardName);
			Gauge
				.builder("ssh.tunnel.connections.active", sshTunnel,
						forwardValue(forwardName, ForwardState::activeConnections))
				.tags(forwardTags)
				.description("Connections currently carried by the forward")
				.register(registry);
			connectionCounter(registry, sshTunnel, forwardTags, forwardName, "success",
					ForwardState::openedConnections);
			connectionCounter(registry, sshTunnel, forwardTags, forwardName, "failure",
					ForwardState::failedConnections);
			bytesCounter(registry, sshTunnel, forwardTags, forwardName, "outbound", ForwardState::bytesOutbound);
			bytesCounter(registry, sshTunnel, forwardTags, forwardName, "inbound", ForwardState::bytesInbound);
		}

		@Override
		public void connectionOpened(String forward) {
			bindRoute(forward);
		}

		@Override
		public void connectionFailed(String forward, Exception cause) {
			bindRoute(forward);
		}

		/**
		 * An in-process route ({@code socket} mode) appears with its first connection:
		 * give it the meters of a forward.
		 */
		private void bindRoute(String forward) {
			synchronized (this.forwardNames) {
				if (this.forwardNames.isEmpty()) {
					this.tunnel.settings().getForwards().forEach((settings) -> this.forwardNames.add(settings.name()));
				}
				if (this.forwardNames.contains(forward) || !this.routes.add(forward)) {
					return;
				}
				for (MeterRegistry registry : this.boundRegistries) {
					bindForward(registry, forward);
				}
			}
		}

		@Override
		public void connected(TunnelState state, boolean reconnect, long duration) {
			record(true, duration);
		}

		@Override
		public void connectFailed(SshTunnelException cause, long duration) {
			record(false, duration);
		}

		private void record(boolean success, long nanos) {
			synchronized (this.pending) {
				List<Timer> timers = success ? this.successTimers : this.failureTimers;
				if (timers.isEmpty()) {
					if (this.pending.size() < 1000) {
						this.pending.add(new Sample(success, nanos));
					}
					return;
				}
				for (Timer timer : timers) {
					timer.record(Duration.ofNanos(nanos));
				}
			}
		}

	}

	private static Timer connectTimer(MeterRegistry registry, Tags tags, String outcome) {
		return Timer.builder("ssh.tunnel.session.connect")
			.tags(tags.and(Tag.of("outcome", outcome)))
			.description("Time to connect, exchange keys and authenticate")
			.register(registry);
	}

	private static void connectionCounter(MeterRegistry registry, SshTunnel tunnel, Tags tags, String forward,
			String outcome, ToDoubleFunction<ForwardState> value) {
		FunctionCounter.builder("ssh.tunnel.connections", tunnel, forwardValue(forward, value))
			.tags(tags.and("outcome", outcome))
			.description("Forwarded connections opened (failure: the session was down, or the SSH server or "
					+ "target refused)")
			.register(registry);
	}

	private static void bytesCounter(MeterRegistry registry, SshTunnel tunnel, Tags tags, String forward,
			String direction, ToDoubleFunction<ForwardState> value) {
		FunctionCounter.builder("ssh.tunnel.bytes", tunnel, forwardValue(forward, value))
			.tags(tags.and("direction", direction))
			.baseUnit("bytes")
			.description("Bytes carried by the forward (outbound: application to remote)")
			.register(registry);
	}

	private static ToDoubleFunction<SshTunnel> forwardValue(String forward, ToDoubleFunction<ForwardState> value) {
		return (tunnel) -> value.applyAsDouble(tunnel.state().forward(forward));
	}

	private static double keepaliveReplyAge(SshTunnel tunnel) {
		Instant lastReply = tunnel.state().lastKeepaliveReply();
		return (lastReply != null) ? Duration.between(lastReply, Instant.now()).toMillis() / 1000.0 : Double.NaN;
	}

	private static double connected(SshTunnel tunnel) {
		return (tunnel.state().status() == SessionStatus.CONNECTED) ? 1 : 0;
	}

	private record Sample(boolean success, long nanos) {
	}

}

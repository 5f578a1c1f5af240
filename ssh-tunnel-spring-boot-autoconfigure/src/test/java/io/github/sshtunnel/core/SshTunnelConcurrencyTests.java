package io.github.sshtunnel.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.testsupport.TestSshServer;
import io.github.sshtunnel.testsupport.TestTcpServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tunnel's one state machine under concurrent open, close and session loss: close is
 * idempotent from any thread, and every transition fires its event exactly once.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SshTunnelConcurrencyTests {

	private static final int THREADS = 8;

	private final TestSshServer server = TestSshServer.withPassword("alice", "secret").start();

	private final TestTcpServer echo = TestTcpServer.echo();

	private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
		this.server.close();
		this.echo.close();
	}

	@Test
	void concurrentClosesCloseOnceAndReportTheEndOnce() throws Exception {
		SshTunnel tunnel = new SshTunnel(settings()).open();
		Events events = new Events();
		tunnel.addListener(events);
		CyclicBarrier together = new CyclicBarrier(THREADS);
		List<Future<?>> closes = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			closes.add(this.executor.submit(() -> {
				together.await(5, TimeUnit.SECONDS);
				tunnel.close();
				// every caller returns with the tunnel closed, not only the first
				assertThat(tunnel.state().status()).isEqualTo(SessionStatus.CLOSED);
				return null;
			}));
		}
		for (Future<?> close : closes) {
			close.get(30, TimeUnit.SECONDS);
		}
		assertThat(events.disconnected).hasValue(1);
		assertThat(tunnel.localPort("echo")).isZero();
	}

	@Test
	void sessionLossRacingCloseIsReportedExactlyOnce() throws Exception {
		for (int round = 0; round < 10; round++) {
			if (!this.server.isRunning()) {
				this.server.start();
			}
			SshTunnel tunnel = new SshTunnel(settings()).open();
			Events events = new Events();
			tunnel.addListener(events);
			CyclicBarrier together = new CyclicBarrier(2);
			Future<?> loss = this.executor.submit(() -> {
				together.await(5, TimeUnit.SECONDS);
				this.server.stop();
				return null;
			});
			Future<?> close = this.executor.submit(() -> {
				together.await(5, TimeUnit.SECONDS);
				tunnel.close();
				return null;
			});
			loss.get(30, TimeUnit.SECONDS);
			close.get(30, TimeUnit.SECONDS);
			// a loss report may still be on its way to the scheduler, which close()
			// stopped
			await().during(Duration.ofMillis(200))
				.atMost(Duration.ofSeconds(2))
				.until(() -> events.disconnected.get() == 1);
			assertThat(tunnel.state().status()).isEqualTo(SessionStatus.CLOSED);
			assertThat(events.connected).hasValue(0);
		}
	}

	@Test
	void closeRacingOpenLeavesAClosedTunnelAndBalancedEvents() throws Exception {
		for (int round = 0; round < 10; round++) {
			SshTunnel tunnel = new SshTunnel(settings());
			Events events = new Events();
			tunnel.addListener(events);
			CyclicBarrier together = new CyclicBarrier(2);
			Future<?> open = this.executor.submit(() -> {
				together.await(5, TimeUnit.SECONDS);
				try {
					tunnel.open();
				}
				catch (IllegalStateException ex) {
					// closed before it was opened: a closed tunnel cannot be opened
					assertThat(ex).hasMessage("Tunnel has already been opened or closed");
				}
				catch (SshTunnelException ex) {
					// closed while connecting: reported as such
					assertThat(ex.getReason()).isIn(SshTunnelException.Reason.SESSION_LOST,
							SshTunnelException.Reason.CONNECT_FAILED, SshTunnelException.Reason.SSH_ERROR,
							SshTunnelException.Reason.CONNECT_TIMEOUT, SshTunnelException.Reason.HANDSHAKE_DROPPED);
				}
				return null;
			});
			Future<?> close = this.executor.submit(() -> {
				together.await(5, TimeUnit.SECONDS);
				tunnel.close();
				return null;
			});
			open.get(30, TimeUnit.SECONDS);
			close.get(30, TimeUnit.SECONDS);
			tunnel.close();
			assertThat(tunnel.state().status()).isEqualTo(SessionStatus.CLOSED);
			// every session that was reported up was reported down, once
			assertThat(events.disconnected.get()).isEqualTo(events.connected.get()).isLessThanOrEqualTo(1);
		}
	}

	private TunnelSettings settings() {
		return this.server.tunnelSettings(ForwardSettings.of("echo", this.echo.port()))
			.reconnect(true, Duration.ofMillis(50), Duration.ofMillis(200))
			.build();
	}

	private static final class Events implements SshTunnelListener {

		final AtomicInteger connected = new AtomicInteger();

		final AtomicInteger disconnected = new AtomicInteger();

		@Override
		public void connected(TunnelState state, boolean reconnect, long duration) {
			this.connected.incrementAndGet();
		}

		@Override
		public void disconnected(TunnelState state, SshTunnelException cause) {
			this.disconnected.incrementAndGet();
		}

	}

}

package io.github.sshtunnel.core.session;

import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;

import io.github.sshtunnel.core.SessionStatus;
import io.github.sshtunnel.core.session.TunnelLifecycle.Snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link TunnelLifecycle}: each transition applies only where it belongs, so
 * that its event fires once.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class TunnelLifecycleTests {

	private final TunnelLifecycle lifecycle = new TunnelLifecycle();

	// sessions are only compared by identity here
	private final ClientSession session = mock(ClientSession.class);

	@Test
	void opensOnce() {
		assertThat(this.lifecycle.open()).isTrue();
		assertThat(this.lifecycle.open()).isFalse();
		assertThat(this.lifecycle.current().status()).isEqualTo(SessionStatus.CONNECTING);
	}

	@Test
	void sessionGoesThroughItsStatesOnce() {
		this.lifecycle.open();
		assertThat(this.lifecycle.connected(this.session)).isTrue();
		assertThat(this.lifecycle.connected(this.session)).isFalse();
		assertThat(this.lifecycle.unresponsive(this.session)).isTrue();
		assertThat(this.lifecycle.unresponsive(this.session)).isFalse();
		assertThat(this.lifecycle.current().status()).isEqualTo(SessionStatus.UNRESPONSIVE);
		assertThat(this.lifecycle.responsive(this.session)).isTrue();
		assertThat(this.lifecycle.current().status()).isEqualTo(SessionStatus.CONNECTED);
		assertThat(this.lifecycle.lost(this.session)).isTrue();
		assertThat(this.lifecycle.lost(this.session)).isFalse();
		assertThat(this.lifecycle.current().status()).isEqualTo(SessionStatus.DISCONNECTED);
		assertThat(this.lifecycle.current().session()).isNull();
		assertThat(this.lifecycle.connecting()).isTrue();
		assertThat(this.lifecycle.connectFailed()).isTrue();
		assertThat(this.lifecycle.connectFailed()).isFalse();
	}

	@Test
	void anOldSessionChangesNothing() {
		this.lifecycle.open();
		this.lifecycle.connected(this.session);
		ClientSession other = mock(ClientSession.class);
		assertThat(this.lifecycle.unresponsive(other)).isFalse();
		assertThat(this.lifecycle.lost(other)).isFalse();
		assertThat(this.lifecycle.current().status()).isEqualTo(SessionStatus.CONNECTED);
	}

	@Test
	void closingStopsEveryTransitionButClosed() {
		this.lifecycle.open();
		this.lifecycle.connected(this.session);
		Snapshot before = this.lifecycle.close();
		assertThat(before.status()).isEqualTo(SessionStatus.CONNECTED);
		assertThat(this.lifecycle.close()).isNull();
		assertThat(this.lifecycle.lost(this.session)).isFalse();
		assertThat(this.lifecycle.unresponsive(this.session)).isFalse();
		assertThat(this.lifecycle.connecting()).isFalse();
		assertThat(this.lifecycle.connected(this.session)).isFalse();
		this.lifecycle.closed();
		assertThat(this.lifecycle.current().status()).isEqualTo(SessionStatus.CLOSED);
	}

}

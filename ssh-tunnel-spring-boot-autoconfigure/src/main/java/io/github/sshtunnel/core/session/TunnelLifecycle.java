package io.github.sshtunnel.core.session;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.apache.sshd.client.session.ClientSession;

import io.github.sshtunnel.core.SessionStatus;

/**
 * The one state machine of a tunnel. Every change of status goes through one of its
 * transitions, each an atomic compare-and-set on an immutable {@link Snapshot}; a
 * transition that does not apply to the current state does nothing and says so, so that
 * the caller fires the matching event exactly once, whatever runs concurrently.
 *
 * <pre>
 * NEW ──open──► CONNECTING ──connected──► CONNECTED ◄──responsive── UNRESPONSIVE
 *                   ▲   │                     │  └──unresponsive──────►  │
 *                   │   └──connectFailed──► DISCONNECTED ◄──lost─────────┘
 *                   └────────connecting─────────┘
 * any state ──close──► (closing: no transition but closed) ──closed──► CLOSED
 * </pre>
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class TunnelLifecycle {

	private final AtomicReference<Snapshot> current = new AtomicReference<>(
			new Snapshot(SessionStatus.NEW, null, null, false));

	/**
	 * Return the current state.
	 * @return the snapshot
	 */
	public Snapshot current() {
		return this.current.get();
	}

	/**
	 * NEW to CONNECTING, once.
	 * @return whether the tunnel was new
	 */
	public boolean open() {
		return transition((now) -> (now.status() == SessionStatus.NEW) ? now.with(SessionStatus.CONNECTING) : null);
	}

	/**
	 * DISCONNECTED (or CONNECTING) to CONNECTING, unless closing.
	 * @return whether an attempt may start
	 */
	public boolean connecting() {
		return transition((now) -> (!now.closing()
				&& (now.status() == SessionStatus.DISCONNECTED || now.status() == SessionStatus.CONNECTING))
						? now.with(SessionStatus.CONNECTING) : null);
	}

	/**
	 * CONNECTING to CONNECTED with the new session, unless closing.
	 * @param session the authenticated session
	 * @return whether the session was taken (if not, the caller closes it)
	 */
	public boolean connected(ClientSession session) {
		return transition((now) -> (!now.closing() && now.status() == SessionStatus.CONNECTING)
				? new Snapshot(SessionStatus.CONNECTED, session, Instant.now(), false) : null);
	}

	/**
	 * CONNECTING to DISCONNECTED, unless closing.
	 * @return whether it applied
	 */
	public boolean connectFailed() {
		return transition((now) -> (!now.closing() && now.status() == SessionStatus.CONNECTING)
				? now.with(SessionStatus.DISCONNECTED) : null);
	}

	/**
	 * CONNECTED to UNRESPONSIVE, for the current session only.
	 * @param session the session whose keepalive replies are overdue
	 * @return whether it applied
	 */
	public boolean unresponsive(ClientSession session) {
		return transition(
				(now) -> (now.session() == session && now.status() == SessionStatus.CONNECTED && !now.closing())
						? now.with(SessionStatus.UNRESPONSIVE) : null);
	}

	/**
	 * UNRESPONSIVE to CONNECTED, for the current session only.
	 * @param session the session that answers again
	 * @return whether it applied
	 */
	public boolean responsive(ClientSession session) {
		return transition(
				(now) -> (now.session() == session && now.status() == SessionStatus.UNRESPONSIVE && !now.closing())
						? now.with(SessionStatus.CONNECTED) : null);
	}

	/**
	 * CONNECTED or UNRESPONSIVE to DISCONNECTED when the current session ends, unless
	 * closing (then {@link #close()} reports the end).
	 * @param session the session that ended
	 * @return whether it applied: the loss is to be reported and repaired
	 */
	public boolean lost(ClientSession session) {
		return transition((now) -> (now.session() == session && !now.closing())
				? new Snapshot(SessionStatus.DISCONNECTED, null, null, false) : null);
	}

	/**
	 * Start closing, once: from now on only {@link #closed()} applies.
	 * @return the state before, or {@code null} if the tunnel was closing already
	 */
	public Snapshot close() {
		while (true) {
			Snapshot now = this.current.get();
			if (now.closing()) {
				return null;
			}
			if (this.current.compareAndSet(now,
					new Snapshot(now.status(), now.session(), now.connectedSince(), true))) {
				return now;
			}
		}
	}

	/**
	 * The end: CLOSED.
	 */
	public void closed() {
		this.current.set(new Snapshot(SessionStatus.CLOSED, null, null, true));
	}

	private boolean transition(UnaryOperator<Snapshot> change) {
		while (true) {
			Snapshot now = this.current.get();
			Snapshot next = change.apply(now);
			if (next == null) {
				return false;
			}
			if (this.current.compareAndSet(now, next)) {
				return true;
			}
		}
	}

	/**
	 * The state at one moment.
	 *
	 * @param status the status
	 * @param session the authenticated session, or {@code null}
	 * @param connectedSince when it was authenticated, or {@code null}
	 * @param closing whether the tunnel is closing or closed
	 */
	public record Snapshot(SessionStatus status, ClientSession session, Instant connectedSince, boolean closing) {

		Snapshot with(SessionStatus newStatus) {
			return new Snapshot(newStatus, this.session, this.connectedSince, this.closing);
		}

	}

}

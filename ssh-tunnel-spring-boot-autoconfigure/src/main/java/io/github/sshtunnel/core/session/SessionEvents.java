package io.github.sshtunnel.core.session;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

/**
 * What MINA tells about the tunnel's sessions: completed key exchanges (counted), and the
 * first failure of each session, kept until the session's end is reported (MINA clears a
 * session's attributes when it closes, so they cannot hold it). A cause declared by the
 * tunnel itself (a session that stopped answering) wins over what MINA sees while the
 * session is closed hard. Weak keys: a session that never got established leaves nothing
 * behind.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
public final class SessionEvents implements SessionListener {

	private final AtomicLong keyExchanges = new AtomicLong();

	private final Map<Session, Throwable> failures = Collections.synchronizedMap(new WeakHashMap<>());

	@Override
	public void sessionEvent(Session session, Event event) {
		if (event == Event.KeyEstablished) {
			this.keyExchanges.incrementAndGet();
		}
	}

	@Override
	public void sessionException(Session session, Throwable t) {
		this.failures.putIfAbsent(session, t);
	}

	/**
	 * Record why the tunnel ends a session itself.
	 * @param session the session
	 * @param cause why
	 */
	void declareDead(Session session, Throwable cause) {
		this.failures.put(session, cause);
	}

	/**
	 * Take the cause of a session's end.
	 * @param session the session
	 * @return the cause, or {@code null}
	 */
	Throwable takeFailure(Session session) {
		return this.failures.remove(session);
	}

	/**
	 * Return the key exchanges completed so far, over all sessions.
	 * @return the count
	 */
	public long keyExchanges() {
		return this.keyExchanges.get();
	}

}

package io.github.sshtunnel.core.io;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * What a socket waits for, kept registered with the loop's selector: the selector is told
 * only when that changes, not for every operation (the JDK's asynchronous channels arm
 * the socket again for each one). Registered on first use; on the loop's thread only.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class Registration {

	private final EventLoop loop;

	private final SelectableChannel channel;

	private final LoopChannel owner;

	private SelectionKey key;

	private int interest;

	Registration(EventLoop loop, SelectableChannel channel, LoopChannel owner) {
		this.loop = loop;
		this.channel = channel;
		this.owner = owner;
	}

	void add(int operation) throws IOException {
		if ((this.interest & operation) == operation) {
			return;
		}
		if (this.key == null) {
			this.key = this.loop.register(this.channel, this.owner);
		}
		this.interest |= operation;
		update();
	}

	void remove(int operation) {
		if ((this.interest & operation) == 0) {
			return;
		}
		this.interest &= ~operation;
		update();
	}

	private void update() {
		try {
			this.key.interestOps(this.interest);
		}
		catch (CancelledKeyException ex) {
			// closed meanwhile: whoever waits is told by the close
		}
	}

}

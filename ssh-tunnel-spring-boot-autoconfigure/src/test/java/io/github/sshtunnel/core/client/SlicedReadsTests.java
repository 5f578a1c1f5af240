package io.github.sshtunnel.core.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.util.Readable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SlicedReads}: one read of the SSH socket reaches MINA's session in
 * slices, every byte once and in order.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
class SlicedReadsTests {

	private final Recorder session = new Recorder();

	private final SlicedReads reads = new SlicedReads(this.session);

	@Test
	void aLargeReadReachesTheSessionInSlicesWithEveryByteInOrder() throws Exception {
		byte[] read = pattern(256 * 1024 + 7);
		Readable message = Readable.readable(ByteBuffer.wrap(read));
		this.reads.messageReceived(null, message);
		assertThat(message.available()).isZero();
		assertThat(this.session.received.toByteArray()).isEqualTo(read);
		assertThat(this.session.sizes).hasSize(17)
			.allMatch((size) -> size > 0 && size <= SlicedReads.SLICE_SIZE)
			.endsWith(7);
	}

	@Test
	void aReadOfASliceOrLessIsHandedOverAsItIs() throws Exception {
		Readable small = Readable.readable(ByteBuffer.wrap(pattern(SlicedReads.SLICE_SIZE)));
		this.reads.messageReceived(null, small);
		assertThat(this.session.messages).containsExactly(small);
		assertThat(this.session.sizes).containsExactly(SlicedReads.SLICE_SIZE);
	}

	@Test
	void aSessionThatFailsGetsNoFurtherSlices() {
		this.session.failAfter = 2;
		Readable message = Readable.readable(ByteBuffer.wrap(pattern(100_000)));
		assertThatIllegalStateException().isThrownBy(() -> this.reads.messageReceived(null, message))
			.withMessage("bad packet");
		assertThat(this.session.sizes).hasSize(2);
		assertThat(message.available()).isEqualTo(100_000 - 2 * SlicedReads.SLICE_SIZE);
	}

	@Test
	void aSessionThatTakesNothingDoesNotMakeTheReadSpin() throws Exception {
		this.session.take = false;
		Readable message = Readable.readable(ByteBuffer.wrap(pattern(100_000)));
		this.reads.messageReceived(null, message);
		assertThat(this.session.messages).hasSize(1);
	}

	private static byte[] pattern(int size) {
		byte[] bytes = new byte[size];
		for (int i = 0; i < size; i++) {
			bytes[i] = (byte) (i * 31 + (i >>> 8));
		}
		return bytes;
	}

	/**
	 * Takes what it is handed the way MINA's session buffer does: asks how much is
	 * available and reads exactly that.
	 */
	private static final class Recorder implements IoHandler {

		private final ByteArrayOutputStream received = new ByteArrayOutputStream();

		private final List<Integer> sizes = new ArrayList<>();

		private final List<Readable> messages = new ArrayList<>();

		private int failAfter = Integer.MAX_VALUE;

		private boolean take = true;

		@Override
		public void messageReceived(IoSession session, Readable message) {
			if (this.sizes.size() == this.failAfter) {
				throw new IllegalStateException("bad packet");
			}
			this.messages.add(message);
			int available = message.available();
			this.sizes.add(available);
			if (this.take) {
				byte[] bytes = new byte[available];
				message.getRawBytes(bytes, 0, available);
				this.received.write(bytes, 0, available);
			}
		}

		@Override
		public void sessionCreated(IoSession session) {
		}

		@Override
		public void sessionClosed(IoSession session) {
		}

		@Override
		public void exceptionCaught(IoSession session, Throwable cause) {
		}

	}

}

package io.github.sshtunnel.core.channel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.util.Set;

/**
 * A socket without a socket implementation or file descriptor: the TCP options a driver
 * sets are accepted and remembered (the SSH server's own socket to the target carries the
 * real ones), there is no local end to bind, and the read timeout is kept for the
 * subclass's input stream.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
abstract class OptionlessSocket extends Socket {

	private volatile int soTimeout;

	private volatile boolean tcpNoDelay = true;

	private volatile boolean keepAlive;

	OptionlessSocket() throws SocketException {
		super((SocketImpl) null);
	}

	@Override
	public void bind(SocketAddress bindpoint) throws IOException {
		throw new SocketException("A socket carried by an SSH channel has no local end to bind");
	}

	@Override
	public void setSoTimeout(int timeout) throws SocketException {
		if (timeout < 0) {
			throw new IllegalArgumentException("timeout can't be negative");
		}
		this.soTimeout = timeout;
	}

	@Override
	public int getSoTimeout() {
		return this.soTimeout;
	}

	@Override
	public void setTcpNoDelay(boolean on) {
		this.tcpNoDelay = on;
	}

	@Override
	public boolean getTcpNoDelay() {
		return this.tcpNoDelay;
	}

	@Override
	public void setKeepAlive(boolean on) {
		this.keepAlive = on;
	}

	@Override
	public boolean getKeepAlive() {
		return this.keepAlive;
	}

	@Override
	public void setSoLinger(boolean on, int linger) {
		// the SSH server's socket to the target lingers as it is configured
	}

	@Override
	public int getSoLinger() {
		return -1;
	}

	@Override
	public void setSendBufferSize(int size) {
		// the SSH window is the buffer
	}

	@Override
	public void setReceiveBufferSize(int size) {
		// the SSH window is the buffer
	}

	@Override
	public void setTrafficClass(int tc) {
		// not applicable to a channel
	}

	@Override
	public void setReuseAddress(boolean on) {
		// no local address
	}

	@Override
	public void setOOBInline(boolean on) {
		// no urgent data through SSH
	}

	@Override
	public void sendUrgentData(int data) throws IOException {
		throw new SocketException("Urgent data cannot be sent through an SSH channel");
	}

	@Override
	public int getSendBufferSize() {
		return 65536;
	}

	@Override
	public int getReceiveBufferSize() {
		return 65536;
	}

	@Override
	public int getTrafficClass() {
		return 0;
	}

	@Override
	public boolean getReuseAddress() {
		return false;
	}

	@Override
	public boolean getOOBInline() {
		return false;
	}

	@Override
	public <T> Socket setOption(SocketOption<T> name, T value) {
		// accepted like the setters: the SSH server's socket to the target carries
		// options
		return this;
	}

	@Override
	public <T> T getOption(SocketOption<T> name) {
		throw new UnsupportedOperationException("Socket option " + name + " of a socket carried by an SSH channel");
	}

	@Override
	public Set<SocketOption<?>> supportedOptions() {
		return Set.of();
	}

	@Override
	public int getLocalPort() {
		return -1;
	}

	@Override
	public SocketAddress getLocalSocketAddress() {
		return null;
	}

	@Override
	public InetAddress getLocalAddress() {
		return InetAddress.getLoopbackAddress();
	}

}

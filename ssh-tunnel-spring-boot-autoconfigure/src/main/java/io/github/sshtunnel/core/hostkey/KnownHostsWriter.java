package io.github.sshtunnel.core.hostkey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.github.sshtunnel.core.SshTunnelException;
import io.github.sshtunnel.core.SshTunnelException.Reason;

/**
 * Appends to a known_hosts file as OpenSSH does: a missing directory is created for its
 * owner only (0700), a new file is readable by its owner only (0600), and each entry is
 * one write of a whole line, so that a crash never leaves half a line.
 *
 * @author ssh-tunnel-spring-boot-starter contributors
 */
final class KnownHostsWriter {

	private final Path path;

	KnownHostsWriter(Path path) {
		this.path = path;
	}

	void append(String line) throws IOException {
		write(line);
	}

	private void write(String line) throws IOException {
		byte[] entry = line.getBytes(StandardCharsets.UTF_8);
		SeekableByteChannel channel = null;
		try {
			if (!Files.exists(this.path)) {
				try {
					channel = Files.newByteChannel(this.path,
							Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
							ownerOnly("rw-------"));
					setPermissions(this.path, "rw-------");
				}
				catch (FileAlreadyExistsException ex) {
					// created by someone else in the meantime: append to it
				}
			}
			if (channel == null) {
				channel = FileChannel.open(this.path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
			}
			ByteBuffer content = ByteBuffer.wrap(endsWithNewline() ? entry : prefixNewline(entry));
			// one write of the whole line: an append never leaves half a line
			while (content.hasRemaining()) {
				channel.write(content);
			}
			if (channel instanceof FileChannel fileChannel) {
				fileChannel.force(true);
			}
		}
		finally {
			if (channel != null) {
				channel.close();
			}
		}
	}

	private boolean endsWithNewline() throws IOException {
		try (SeekableByteChannel channel = Files.newByteChannel(this.path, StandardOpenOption.READ)) {
			long size = channel.size();
			if (size == 0) {
				return true;
			}
			ByteBuffer last = ByteBuffer.allocate(1);
			channel.position(size - 1);
			channel.read(last);
			return last.get(0) == '\n';
		}
	}

	private static byte[] prefixNewline(byte[] entry) {
		byte[] prefixed = new byte[entry.length + 1];
		prefixed[0] = '\n';
		System.arraycopy(entry, 0, prefixed, 1, entry.length);
		return prefixed;
	}

	void createDirectories() {
		Path parent = this.path.toAbsolutePath().getParent();
		if (parent == null || Files.isDirectory(parent)) {
			return;
		}
		List<Path> missing = new ArrayList<>();
		for (Path directory = parent; directory != null
				&& !Files.exists(directory); directory = directory.getParent()) {
			missing.add(0, directory);
		}
		try {
			for (Path directory : missing) {
				try {
					Files.createDirectory(directory, ownerOnly("rwx------"));
				}
				catch (FileAlreadyExistsException ex) {
					continue;
				}
				setPermissions(directory, "rwx------");
			}
		}
		catch (IOException ex) {
			throw new SshTunnelException(Reason.KNOWN_HOSTS_UNREADABLE,
					"Directory of known_hosts file " + this.path + " could not be created: " + ex.getMessage(),
					"Set " + KnownHostsFile.PROPERTY + " to a writable location.", ex);
		}
	}

	private static FileAttribute<?>[] ownerOnly(String permissions) {
		try {
			return new FileAttribute<?>[] {
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)) };
		}
		catch (UnsupportedOperationException ex) {
			return new FileAttribute<?>[0];
		}
	}

	private static void setPermissions(Path path, String permissions) throws IOException {
		// the umask may have removed more than we asked for, never added: set exactly
		try {
			Set<PosixFilePermission> wanted = PosixFilePermissions.fromString(permissions);
			Files.setPosixFilePermissions(path, wanted);
		}
		catch (UnsupportedOperationException ex) {
			// not a POSIX file system: the directory's own access control applies
		}
	}

}

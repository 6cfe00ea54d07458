package dev.floe.raft.storage.internal;

import dev.floe.raft.storage.StorageCorruptionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Streams {@code length} bytes of a file from {@code offset}, computing their CRC32C on the way;
 * the read that reaches the end throws {@link StorageCorruptionException} if it differs from the
 * expected one, so a consumer never finishes a damaged snapshot without noticing.
 */
public final class VerifyingInputStream extends InputStream {
    private final Path file;
    private final FileChannel channel;
    private final long start;
    private final long end;
    private final int expectedCrc;
    private final CRC32C crc = new CRC32C();
    private long position;

    public VerifyingInputStream(Path file, FileChannel channel, long offset, long length, int expectedCrc) {
        this.file = file;
        this.channel = channel;
        this.start = offset;
        this.end = offset + length;
        this.expectedCrc = expectedCrc;
        this.position = offset;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (position >= end) {
            verify();
            return -1;
        }
        int want = (int) Math.min(len, end - position);
        int n = channel.read(ByteBuffer.wrap(b, off, want), position);
        if (n < 0) throw new StorageCorruptionException(file, position, "snapshot file ends early");
        crc.update(b, off, n);
        position += n;
        if (position >= end) verify();
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position);
    }

    private void verify() throws StorageCorruptionException {
        if ((int) crc.getValue() != expectedCrc) throw new StorageCorruptionException(file, start, "snapshot data checksum mismatch");
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

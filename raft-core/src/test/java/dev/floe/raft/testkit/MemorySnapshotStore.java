package dev.floe.raft.testkit;

import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.SnapshotStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A {@link SnapshotStore} in memory, for tests: keeps only the newest snapshot (by last index; a
 * commit of an older one than held is accepted but not made the newest). Lost with the object.
 * Thread-safe: writers may run on any thread, each writer on one.
 */
public final class MemorySnapshotStore implements SnapshotStore {
    private Optional<Snapshot> latest = Optional.empty();
    private int commits;

    @Override
    public synchronized Optional<Snapshot> latest() {
        return latest;
    }

    /** How many snapshots were committed so far (newest or not). */
    public synchronized int commits() {
        return commits;
    }

    private synchronized Snapshot publish(Stored s) {
        commits++;
        if (latest.isEmpty() || latest.get().meta().lastIndex() <= s.meta().lastIndex()) latest = Optional.of(s);
        return s;
    }

    @Override
    public Writer begin(SnapshotMeta meta) {
        return new Writer() {
            private final ByteArrayOutputStream data = new ByteArrayOutputStream();
            private boolean finished;

            @Override
            public void write(int b) {
                check();
                data.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                check();
                data.write(b, off, len);
            }

            private void check() {
                if (finished) throw new IllegalStateException("snapshot writer already committed or aborted");
            }

            @Override
            public Snapshot commit() {
                check();
                finished = true;
                byte[] bytes = data.toByteArray();
                CRC32C crc = new CRC32C();
                crc.update(bytes);
                return publish(new Stored(meta, bytes, crc.getValue()));
            }

            @Override
            public void abort() {
                finished = true;
                data.reset();
            }
        };
    }

    private record Stored(SnapshotMeta meta, byte[] data, long checksum) implements Snapshot {
        @Override
        public long sizeBytes() {
            return data.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(data);
        }
    }
}

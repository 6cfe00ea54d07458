package dev.floe.raft.storage.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One segment file as the log tracks it. {@code lastIndex} and {@code endOffset} are the
 * <em>planned</em> extent, including records queued for the writer but not yet written; the
 * consensus thread assigns every record its offset when it is appended, so the writer only copies
 * bytes to where they were promised. Guarded by the log's mutex, except {@link #channel}, whose
 * positional reads and writes are thread-safe.
 */
public final class Segment {
    public final long baseIndex;
    public final long prevTerm;
    public final FileChannel channel;
    public Path path;
    public boolean open;
    public long lastIndex;
    public long endOffset;

    public Segment(long baseIndex, long prevTerm, Path path, FileChannel channel, boolean open, long lastIndex, long endOffset) {
        this.baseIndex = baseIndex;
        this.prevTerm = prevTerm;
        this.path = path;
        this.channel = channel;
        this.open = open;
        this.lastIndex = lastIndex;
        this.endOffset = endOffset;
    }

    /** Whether the segment holds at least one record. */
    public boolean hasRecords() {
        return lastIndex >= baseIndex;
    }

    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path.getFileName() + "[" + baseIndex + ".." + lastIndex + ", " + endOffset + "B]";
    }
}

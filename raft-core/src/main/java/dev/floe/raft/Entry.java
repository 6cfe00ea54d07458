package dev.floe.raft;

/**
 * One entry of the replicated log: its position ({@code index}, starting at 1), the term of the
 * leader that created it, what it carries, and the payload.
 *
 * @param term  the term of the leader that created the entry (at least 1)
 * @param index the entry's position in the log (at least 1)
 * @param type  what the entry carries
 * @param data  the payload: a command, a configuration, or empty for a no-op
 */
public record Entry(long term, long index, EntryType type, Bytes data) {
    /** Bytes of bookkeeping counted per entry on top of the payload when sizing batches. */
    public static final int OVERHEAD_BYTES = 24;

    /**
     * Checks the position and the term.
     *
     * @param term  the term of the leader that created the entry (at least 1)
     * @param index the entry's position in the log (at least 1)
     * @param type  what the entry carries
     * @param data  the payload: a command, a configuration, or empty for a no-op
     * @throws IllegalArgumentException if the index or term is below 1
     */
    public Entry {
        if (index < 1) throw new IllegalArgumentException("entry index must be >= 1: " + index);
        if (term < 1) throw new IllegalArgumentException("entry term must be >= 1: " + term);
        if (type == null || data == null) throw new NullPointerException("type and data are required");
    }

    /**
     * A command entry.
     *
     * @param term  the leader's term
     * @param index the position in the log
     * @param data  the command
     * @return the entry
     */
    public static Entry command(long term, long index, Bytes data) {
        return new Entry(term, index, EntryType.COMMAND, data);
    }

    /** {@return the size used for byte limits: payload plus {@link #OVERHEAD_BYTES}} */
    public long sizeBytes() {
        return (long) data.size() + OVERHEAD_BYTES;
    }

    @Override
    public String toString() {
        return switch (type) {
            case COMMAND -> index + "@" + term + ":" + data;
            case NO_OP -> index + "@" + term + ":noop";
            case CONFIG -> index + "@" + term + ":config" + data;
        };
    }
}

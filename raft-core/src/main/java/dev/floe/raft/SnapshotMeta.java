package dev.floe.raft;

/**
 * What a snapshot stands for (Raft paper §7): the state after applying every entry up to and
 * including {@code lastIndex}, whose term is {@code lastTerm}, and the configuration in force there.
 *
 * @param lastIndex the index of the last entry the snapshot contains (0: none)
 * @param lastTerm  the term of that entry (0 with index 0)
 * @param config    the configuration in force at {@code lastIndex}
 */
public record SnapshotMeta(long lastIndex, long lastTerm, ClusterConfig config) {
    /**
     * Checks that index and term agree.
     *
     * @param lastIndex the index of the last entry the snapshot contains (0: none)
     * @param lastTerm  the term of that entry (0 with index 0)
     * @param config    the configuration in force at {@code lastIndex}
     * @throws IllegalArgumentException if they are negative, or only one of them is zero
     */
    public SnapshotMeta {
        if (lastIndex < 0 || lastTerm < 0) throw new IllegalArgumentException("negative index or term");
        if ((lastIndex == 0) != (lastTerm == 0)) throw new IllegalArgumentException("index and term must both be zero or both positive");
        if (config == null) throw new NullPointerException("config");
    }

    @Override
    public String toString() {
        return "Snapshot{" + lastIndex + "@" + lastTerm + " " + config + "}";
    }
}

package dev.floe.raft;

/**
 * What a snapshot stands for (Raft paper §7): the state after applying every entry up to and
 * including {@code lastIndex}, whose term is {@code lastTerm}, and the configuration in force there.
 */
public record SnapshotMeta(long lastIndex, long lastTerm, ClusterConfig config) {
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

package dev.floe.raft.core;

import java.util.ArrayList;

/**
 * The configurations in this node's log after its snapshot, newest last (thesis §4.1: a node uses
 * the latest configuration in its log, committed or not). When a conflicting suffix is deleted,
 * the configurations in it are forgotten and the node falls back to the previous one.
 */
final class ConfigHistory {
    /** The configuration of the snapshot (or the bootstrap members). */
    private ConfigEntry base;
    /** CONFIG entries after the snapshot, ascending by index. */
    private final ArrayList<ConfigEntry> inLog = new ArrayList<>();

    ConfigHistory(ConfigEntry base) {
        this.base = base;
    }

    ConfigEntry current() {
        return inLog.isEmpty() ? base : inLog.get(inLog.size() - 1);
    }

    /** The configuration in force at {@code index}: the latest at or before it. */
    ConfigEntry atOrBefore(long index) {
        for (int i = inLog.size() - 1; i >= 0; i--) {
            if (inLog.get(i).index() <= index) return inLog.get(i);
        }
        return base;
    }

    void append(ConfigEntry entry) {
        if (!inLog.isEmpty() && inLog.get(inLog.size() - 1).index() >= entry.index()) {
            throw new IllegalStateException("configuration at " + entry.index() + " does not follow " + current().index());
        }
        inLog.add(entry);
    }

    /** Forgets configurations at or after {@code index} (their entries were overwritten); returns whether any was. */
    boolean truncateFrom(long index) {
        boolean changed = false;
        while (!inLog.isEmpty() && inLog.get(inLog.size() - 1).index() >= index) {
            inLog.remove(inLog.size() - 1);
            changed = true;
        }
        return changed;
    }

    /** Starts over from a snapshot's configuration. */
    void resetTo(ConfigEntry snapshotConfig) {
        base = snapshotConfig;
        inLog.clear();
    }
}

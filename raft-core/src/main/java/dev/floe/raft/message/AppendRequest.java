package dev.floe.raft.message;

import dev.floe.raft.Entry;
import dev.floe.raft.NodeId;
import java.util.List;

/**
 * AppendEntries (Raft paper §5.3, Figure 2): {@code entries} follow the entry at
 * {@code prevLogIndex} whose term is {@code prevLogTerm}; {@code leaderCommit} is the leader's
 * commit index. The list is immutable and its entries are consecutive.
 *
 * <p>With {@code quiesce} set it is the leader's last word before its group goes quiet: an empty
 * append at the leader's last index whose commit index is that index too. A follower whose log then
 * ends there, committed, stops ticking until something wakes it (CockroachDB's quiescence; see
 * docs/core.md, "Quiescence").
 */
public record AppendRequest(NodeId from, NodeId to, long term, long prevLogIndex, long prevLogTerm,
                            List<Entry> entries, long leaderCommit, boolean quiesce) implements Message {
    /**
     * Copies the entries into an immutable list.
     *
     * @param from         the leader
     * @param to           the follower
     * @param term         the leader's term
     * @param prevLogIndex the index of the entry just before {@code entries}
     * @param prevLogTerm  that entry's term
     * @param entries      the entries to append, consecutive (copied)
     * @param leaderCommit the leader's commit index
     * @param quiesce      the group is idle and caught up: the follower may go quiet (entries then empty)
     */
    public AppendRequest {
        entries = List.copyOf(entries);
    }

    /**
     * An ordinary AppendRequest (not a quiesce request).
     *
     * @param from         the leader
     * @param to           the follower
     * @param term         the leader's term
     * @param prevLogIndex the index of the entry just before {@code entries}
     * @param prevLogTerm  that entry's term
     * @param entries      the entries to append, consecutive (copied)
     * @param leaderCommit the leader's commit index
     */
    public AppendRequest(NodeId from, NodeId to, long term, long prevLogIndex, long prevLogTerm, List<Entry> entries,
                         long leaderCommit) {
        this(from, to, term, prevLogIndex, prevLogTerm, entries, leaderCommit, false);
    }

    /** {@return the index of the last entry carried, or {@code prevLogIndex} when there is none} */
    public long lastIndex() {
        return prevLogIndex + entries.size();
    }

    @Override
    public long sizeBytes() {
        long size = 64;
        for (Entry e : entries) size += e.sizeBytes();
        return size;
    }

    @Override
    public String toString() {
        String carried = entries.isEmpty() ? "[]"
                : entries.size() <= 3 ? entries.toString()
                : "[" + entries.get(0) + " … " + entries.get(entries.size() - 1) + "](" + entries.size() + ")";
        return "AppendReq " + from + "->" + to + " t" + term + " prev=" + prevLogIndex + "@" + prevLogTerm
                + " " + carried + " commit=" + leaderCommit + (quiesce ? " quiesce" : "");
    }
}

package dev.floe.raft.testkit;

import dev.floe.raft.Entry;
import dev.floe.raft.LogReader;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Raft's safety properties (Raft paper Figure 3), checked against the whole simulated cluster:
 * <ul>
 *   <li><b>Election Safety</b>: at most one leader per term.</li>
 *   <li><b>Log Matching</b>: two logs with an entry of the same index and term are identical up to it.</li>
 *   <li><b>Leader Completeness</b>: a new leader holds every entry committed before its term.</li>
 *   <li><b>State Machine Safety</b>: no two nodes apply different entries at one index; entries are
 *       applied in order, and only once committed.</li>
 *   <li><b>Monotonic commit</b>: a node's commit index never goes down (within one run of the process).</li>
 *   <li><b>Committed means durable</b>: every committed entry is on the disks of a majority, so no
 *       crash pattern can lose it.</li>
 * </ul>
 * plus <b>linearizable reads</b>: every read observes at least every write and read that completed
 * before it was invoked (given State Machine Safety, the replicated state after index i is one
 * value, so this real-time condition is exactly linearizability of the read/write history);
 * and, at the end of a run whose faults have healed, liveness: a leader followed by a majority, and
 * every client command and read completed.
 */
final class InvariantChecker {
    private static final int FULL_CHECK_EVERY = 256;

    private final Simulation sim;
    private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
    /** The committed prefix of the log as first reported by any node; entry i at position i - 1. */
    private final ArrayList<Entry> committed = new ArrayList<>();
    private long appliedMax;
    private final Map<String, Long> firstIndexOfCommand = new HashMap<>();
    private long events;
    /** The highest index any completed write or read has exposed to a client. */
    private long maxCompletedIndex;

    InvariantChecker(Simulation sim) {
        this.sim = sim;
    }

    /** Checks a node's role, term and commit index after it handled an input. */
    void observe(SimNode n) {
        RaftNode r = n.raft;
        long commit = r.commitIndex();
        if (commit < n.lastCommit) {
            throw sim.violation("Monotonic commit", n.id + " commit index went from " + n.lastCommit + " to " + commit);
        }
        if (commit > n.lastCommit) {
            long from = Math.max(n.lastCommit + 1, n.disk.log().firstIndex());
            List<Entry> newly = from > commit ? List.of() : n.disk.log().entries(from, commit + 1, Long.MAX_VALUE);
            for (Entry e : newly) {
                if (e.index() > committed.size() + 1) {
                    throw sim.violation("State Machine Safety", n.id + " committed " + e + " but nobody reported index " + (committed.size() + 1));
                }
                if (e.index() <= committed.size()) {
                    Entry known = committed.get((int) e.index() - 1);
                    if (!known.equals(e)) {
                        throw sim.violation("State Machine Safety", n.id + " committed " + e + " where " + known + " was committed before");
                    }
                } else {
                    committed.add(e);
                }
            }
            n.lastCommit = commit;
        }
        if (r.role() == Role.LEADER && commit > n.lastCommitChecked) {
            checkCommitHasQuorum(n, commit);
        }
        // Only the leader's own commit decisions are checked; what it learned before leading was decided by others.
        n.lastCommitChecked = commit;
        if (r.role() == Role.LEADER) {
            Integer other = leaderOfTerm.putIfAbsent(r.term(), n.index);
            if (other != null && other != n.index) {
                throw sim.violation("Election Safety", "both " + sim.nodes[other].id + " and " + n.id + " lead term " + r.term());
            }
            if (n.lastRole != Role.LEADER || n.lastTerm != r.term()) {
                sim.stats.elections++;
                checkLeaderCompleteness(n);
            }
        }
        n.lastRole = r.role();
        n.lastTerm = r.term();
    }

    /**
     * No decision without the quorum the configuration requires: when a leader commits an index, the
     * entry is durable (in the log or a snapshot) on a majority of the voters of its configuration
     * (both halves of a joint one).
     */
    private void checkCommitHasQuorum(SimNode leader, long index) {
        Entry e = committed.get((int) index - 1);
        dev.floe.raft.ClusterConfig c = leader.raft.config();
        for (java.util.Set<dev.floe.raft.NodeId> half : List.of(c.voters(), c.votersOutgoing())) {
            if (half.isEmpty()) continue;
            int holders = 0;
            for (dev.floe.raft.NodeId id : half) {
                if (holdsDurably(sim.nodes[sim.indexOf(id)], e)) holders++;
            }
            if (holders < half.size() / 2 + 1) {
                throw sim.violation("Commit quorum", leader.id + " committed " + e + " with config " + c
                        + " but only " + holders + " of " + half + " hold it durably");
            }
        }
    }

    private static boolean holdsDurably(SimNode n, Entry e) {
        LogReader durable = n.disk.durableLog();
        long snapshotIndex = n.disk.snapshot().map(s -> s.meta().lastIndex()).orElse(0L);
        boolean inLog = e.index() >= durable.firstIndex() && e.index() <= durable.lastIndex() && durable.term(e.index()) == e.term();
        return inLog || e.index() <= snapshotIndex;
    }

    private void checkLeaderCompleteness(SimNode n) {
        LogReader log = n.disk.log();
        long snapshotIndex = log.firstIndex() - 1;
        if (snapshotIndex > 0) checkCoversCommitted(n, snapshotIndex, log.term(snapshotIndex), "Leader Completeness");
        for (Entry e : committed) {
            if (e.index() <= snapshotIndex) continue;
            if (e.index() > log.lastIndex() || log.term(e.index()) != e.term()) {
                throw sim.violation("Leader Completeness", n.id + " leads term " + n.raft.term() + " without committed entry " + e);
            }
        }
    }

    /** A snapshot (or a compacted log) ending at (index, term) must be a prefix of the committed log. */
    private void checkCoversCommitted(SimNode n, long index, long term, String property) {
        if (index > committed.size() || committed.get((int) index - 1).term() != term) {
            throw sim.violation(property, n.id + " has a snapshot ending at " + index + "@" + term
                    + " that is not a prefix of the committed log (" + committed.size() + " entries committed)");
        }
    }

    /** A node snapshots its state: only committed, applied state may be captured. */
    void onSnapshot(SimNode n, dev.floe.raft.SnapshotMeta meta) {
        if (meta.lastIndex() > n.applied) {
            throw sim.violation("State Machine Safety", n.id + " snapshots at " + meta.lastIndex() + " beyond its applied index " + n.applied);
        }
        checkCoversCommitted(n, meta.lastIndex(), meta.lastTerm(), "State Machine Safety");
    }

    /** A node replaces its state with a snapshot: it must be committed state, and move forward only. */
    void onRestore(SimNode n, dev.floe.raft.SnapshotMeta meta) {
        checkCoversCommitted(n, meta.lastIndex(), meta.lastTerm(), "State Machine Safety");
        if (meta.lastIndex() < n.applied) {
            throw sim.violation("State Machine Safety", n.id + " restores snapshot " + meta.lastIndex() + " behind its applied index " + n.applied);
        }
    }

    /** A node applies {@code e}: in order, committed, and the same entry every node applies there. */
    void onApply(SimNode n, Entry e) {
        if (e.index() != n.applied + 1) {
            throw sim.violation("State Machine Safety", n.id + " applied " + e + " after index " + n.applied);
        }
        n.applied = e.index();
        if (e.index() > committed.size()) {
            throw sim.violation("State Machine Safety", n.id + " applied " + e + " which nobody reported committed");
        }
        Entry known = committed.get((int) e.index() - 1);
        if (!known.equals(e)) {
            throw sim.violation("State Machine Safety", n.id + " applied " + e + " where " + known + " is committed");
        }
    }

    /** Whether this is the first time any node applies index {@code e.index()}. */
    boolean isFirstApplication(Entry e) {
        if (e.index() <= appliedMax) return false;
        appliedMax = e.index();
        return true;
    }

    /** Records the first index a command was applied at; false if it had been applied before. */
    boolean noteCommandApplied(String command, long index) {
        return firstIndexOfCommand.putIfAbsent(command, index) == null;
    }

    long maxCompletedIndex() {
        return maxCompletedIndex;
    }

    void onWriteCompleted(long index) {
        maxCompletedIndex = Math.max(maxCompletedIndex, index);
    }

    /** A read ran on {@code n} and observed the state after {@code observedIndex}. */
    void onReadCompleted(SimNode n, SimRead r, long observedIndex) {
        if (observedIndex < r.lowerBound) {
            throw sim.violation("Linearizable reads", "a read invoked at " + r.invokedAt + "ms on " + n.id
                    + " observed index " + observedIndex + " (read index " + r.readIndex + ") but index " + r.lowerBound
                    + " had completed before it started");
        }
        if (observedIndex > committed.size()) {
            throw sim.violation("Linearizable reads", "a read on " + n.id + " observed uncommitted index " + observedIndex);
        }
        maxCompletedIndex = Math.max(maxCompletedIndex, observedIndex);
    }

    void afterEvent(SimEvent ev) {
        if (++events % FULL_CHECK_EVERY == 0 || ev.kind() == SimEvent.Kind.FAULT) {
            checkLogMatching();
            if (sim.config.spares() == 0) checkCommittedDurableOnMajority();
        }
    }

    void atEnd() {
        checkLogMatching();
        if (sim.config.spares() == 0) checkCommittedDurableOnMajority();
        checkLiveness();
    }

    private void checkLogMatching() {
        SimNode[] nodes = sim.nodes;
        for (int a = 0; a < nodes.length; a++) {
            for (int b = a + 1; b < nodes.length; b++) {
                LogReader la = nodes[a].disk.log();
                LogReader lb = nodes[b].disk.log();
                long floor = Math.max(la.firstIndex(), lb.firstIndex());
                long i = Math.min(la.lastIndex(), lb.lastIndex());
                while (i >= floor && la.term(i) != lb.term(i)) i--;
                if (i < floor) continue;
                List<Entry> ea = la.entries(floor, i + 1, Long.MAX_VALUE);
                List<Entry> eb = lb.entries(floor, i + 1, Long.MAX_VALUE);
                if (!ea.equals(eb)) {
                    int j = 0;
                    while (ea.get(j).equals(eb.get(j))) j++;
                    throw sim.violation("Log Matching", nodes[a].id + " and " + nodes[b].id + " agree at index " + i
                            + " but differ at " + (floor + j) + ": " + ea.get(j) + " vs " + eb.get(j));
                }
            }
        }
    }

    private void checkCommittedDurableOnMajority() {
        SimNode[] nodes = sim.nodes;
        int majority = nodes.length / 2 + 1;
        for (Entry e : committed) {
            int holders = 0;
            for (SimNode n : nodes) {
                if (holdsDurably(n, e)) holders++;
            }
            if (holders < majority) {
                throw sim.violation("Committed entries are durable on a majority", e + " is on " + holders + " disks");
            }
        }
    }

    private void checkLiveness() {
        SimNode[] nodes = sim.nodes;
        SimNode leader = null;
        for (SimNode n : nodes) {
            if (n.up && n.raft.role() == Role.LEADER && (leader == null || n.raft.term() > leader.raft.term())) leader = n;
        }
        String bound = sim.config.healTicks() + " ticks after all faults healed";
        if (leader == null) throw sim.violation("Liveness", "no leader " + bound);
        int followers = 0;
        java.util.Set<dev.floe.raft.NodeId> voters = leader.raft.config().voters();
        for (SimNode n : nodes) {
            if (voters.contains(n.id) && n.up && n.raft.term() == leader.raft.term()
                    && n.raft.leader().equals(java.util.Optional.of(leader.id))) followers++;
        }
        if (followers < voters.size() / 2 + 1) {
            throw sim.violation("Liveness", leader.id + " leads term " + leader.raft.term() + " but only " + followers + " nodes follow it " + bound);
        }
        if (sim.readsPending() > 0) {
            throw sim.violation("Liveness", sim.readsPending() + " reads still pending " + bound);
        }
        if (sim.commandsPending() > 0) {
            throw sim.violation("Liveness", sim.commandsPending() + " client commands still pending " + bound);
        }
    }
}

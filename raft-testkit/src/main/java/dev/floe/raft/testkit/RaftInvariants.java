package dev.floe.raft.testkit;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.LogReader;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.ServerStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Raft's safety properties (Raft paper Figure 3), checked after every event for one {@link SimGroup}
 * from what the servers publish ({@link RaftServer#status()}) and what their disks hold:
 * <ul>
 *   <li><b>Election Safety</b>: at most one leader per term.</li>
 *   <li><b>Monotonic commit</b>: a server's commit index never goes down while its process lives.</li>
 *   <li><b>State Machine Safety</b> of the log: no two servers commit different entries at one index.</li>
 *   <li><b>Leader Completeness</b>: a new leader's log holds every entry committed in an earlier term.</li>
 *   <li><b>Commit quorum</b>: when a leader commits an entry, a majority of its configuration's voters
 *       (of both halves when joint) hold it durably, so no crash pattern can lose it.</li>
 *   <li><b>Log Matching</b>: two logs with an entry of the same index and term agree up to it (every
 *       {@value #FULL_CHECK_EVERY} events and at the end).</li>
 * </ul>
 * and at the end, after every fault healed: one leader that a majority of its voters follow.
 */
final class RaftInvariants {
    private static final int FULL_CHECK_EVERY = 512;

    private final SimGroup sim;
    private final Map<Long, Integer> leaderOfTerm = new HashMap<>();
    /** The committed log as first reported by any server; entry i at position i - 1. */
    private final ArrayList<Entry> committed = new ArrayList<>();
    /** The term of the leader that first reported each committed entry: the entry was committed in it. */
    private final ArrayList<Long> committedInTerm = new ArrayList<>();
    private final long[] lastCommit;
    private final long[] lastTerm;
    private final boolean[] wasLeader;
    /** The configuration each server had at the previous event. */
    private final ClusterConfig[] lastConfig;
    private long events;

    RaftInvariants(SimGroup sim) {
        this.sim = sim;
        int n = sim.size();
        lastCommit = new long[n];
        lastTerm = new long[n];
        wasLeader = new boolean[n];
        lastConfig = new ClusterConfig[n];
    }

    /** A new process of member {@code i} starts: its commit index starts over. */
    void started(int i) {
        lastCommit[i] = 0;
        wasLeader[i] = false;
        lastTerm[i] = 0;
    }

    void afterEvent() {
        for (int i = 0; i < n(); i++) {
            RaftServer s = sim.server(i);
            if (s != null) observe(i, s.status());
        }
        if (++events % FULL_CHECK_EVERY == 0) checkLogMatching();
    }

    void atEnd() {
        afterEvent();
        checkLogMatching();
        int l = sim.leader();
        if (l < 0) throw new SimulationViolation("Liveness", "no leader " + sim.healMillis()
                + " ms after every fault healed\n" + sim.describeNodes());
        ServerStatus leader = sim.server(l).status();
        int followers = 0;
        for (NodeId v : leader.config().voters()) {
            int i = sim.indexOf(v);
            if (i >= 0 && sim.server(i) != null) {
                ServerStatus s = sim.server(i).status();
                if (s.term() == leader.term() && s.leader().equals(Optional.of(leader.id()))) followers++;
            }
        }
        if (followers < leader.config().voters().size() / 2 + 1) {
            throw new SimulationViolation("Liveness", leader.id() + " leads term " + leader.term() + " but only "
                    + followers + " voters follow it\n" + sim.describeNodes());
        }
        // No member is left behind: every running member of the configuration, voter or learner,
        // holds the leader's commit index (a follower that stalls silently — restored from an old
        // copy, say — would otherwise go unnoticed while the others carry the group).
        for (NodeId m : leader.config().allMembers()) {
            int i = sim.indexOf(m);
            if (i < 0 || i == l || sim.server(i) == null) continue;
            ServerStatus s = sim.server(i).status();
            if (s.commitIndex() < leader.commitIndex()) {
                throw new SimulationViolation("Liveness", m + " holds commit index " + s.commitIndex() + ", the leader "
                        + leader.id() + " " + leader.commitIndex() + ", " + sim.healMillis() + " ms after every fault healed\n"
                        + sim.describeNodes());
            }
        }
    }

    private void observe(int i, ServerStatus s) {
        if (!s.running()) throw new SimulationViolation("No fatal error", sim.id(i) + " stopped by itself: " + s);
        long commit = s.commitIndex();
        if (commit < lastCommit[i]) {
            throw violation("Monotonic commit", sim.id(i) + " commit index went from " + lastCommit[i] + " to " + commit);
        }
        if (commit > lastCommit[i]) {
            // A leader's log is authoritative (it never overwrites its own entries): learn the
            // committed entries from it. Followers' commits are checked where they apply (ApplyLog).
            if (s.isLeader()) recordCommitted(i, s.term(), commit);
            if (s.isLeader() && wasLeader[i] && s.term() == lastTerm[i]) checkCommitQuorum(s, lastConfig[i], commit);
            lastCommit[i] = commit;
        }
        // Counted once its term is durable: before that a leader can do nothing (the Ready ordering
        // contract holds its messages, and commits and reads wait for an entry of its term to be
        // durable after the term), and one that crashes first never led. A single voter elects
        // itself in memory; crashing while it saves that term, it may vote for another in the same
        // term after its restart (full-runtime seed 59860).
        if (s.isLeader() && sim.disk(i).durableTerm() >= s.term()) {
            Integer other = leaderOfTerm.putIfAbsent(s.term(), i);
            if (other != null && other != i) {
                throw violation("Election Safety", "both " + sim.id(other) + " and " + sim.id(i) + " lead term " + s.term());
            }
        }
        if (s.isLeader()) {
            if (!wasLeader[i] || lastTerm[i] != s.term()) {
                sim.leaderElected(i, s.term());
                checkLeaderCompleteness(i, s);
            }
        }
        wasLeader[i] = s.isLeader();
        lastTerm[i] = s.term();
        lastConfig[i] = s.config();
    }

    private void recordCommitted(int i, long term, long commit) {
        LogReader log = sim.disk(i).cachedLog();
        // Entries the core holds but the persist activity has not yet handed to the storage are
        // compared later; what is below the log's start is in a snapshot.
        long start = Math.max(Math.min(lastCommit[i] + 1, committed.size() + 1), log.firstIndex());
        long upTo = Math.min(commit, log.lastIndex());
        if (start > upTo) return;
        for (Entry e : log.entries(start, upTo + 1, Long.MAX_VALUE)) {
            // Beyond a gap (this server installed a snapshot others have not reported): compare later.
            if (e.index() > committed.size() + 1) continue;
            if (e.index() <= committed.size()) {
                Entry known = committed.get((int) e.index() - 1);
                if (!known.equals(e)) {
                    throw violation("State Machine Safety", sim.id(i) + " committed " + e + " where " + known + " was committed");
                }
            } else {
                committed.add(e);
                committedInTerm.add(term);
            }
        }
    }

    /**
     * The entry a leader just committed is durable on a majority of each half of its configuration:
     * the one it has now or, when it appended a new one in the same pass, the one it had before.
     */
    private void checkCommitQuorum(ServerStatus leader, ClusterConfig before, long index) {
        if (index > committed.size()) return;
        Entry e = committed.get((int) index - 1);
        String now = missingQuorum(leader.config(), e);
        if (now == null || (before != null && missingQuorum(before, e) == null)) return;
        throw violation("Commit quorum", leader.id() + " committed " + e + " with configuration " + leader.config()
                + " (before: " + before + ") but " + now);
    }

    private String missingQuorum(ClusterConfig c, Entry e) {
        for (Set<NodeId> half : List.of(c.voters(), c.votersOutgoing())) {
            if (half.isEmpty()) continue;
            int holders = 0;
            for (NodeId id : half) {
                int j = sim.indexOf(id);
                // A member whose damaged disk lost it counts: its acknowledgement was true when sent.
                if (j >= 0 && (holdsDurably(j, e) || sim.disk(j).lostToDamage(e))) holders++;
            }
            if (holders < half.size() / 2 + 1) return "only " + holders + " of " + half + " hold it durably";
        }
        return null;
    }

    private boolean holdsDurably(int j, Entry e) {
        LogReader durable = sim.disk(j).durableLog();
        Optional<SnapshotStore.Snapshot> snap = sim.disk(j).snapshot();
        if (snap.isPresent() && snap.get().meta().lastIndex() >= e.index()) return true;
        return e.index() >= durable.firstIndex() && e.index() <= durable.lastIndex() && durable.term(e.index()) == e.term();
    }

    private void checkLeaderCompleteness(int i, ServerStatus s) {
        LogReader log = sim.disk(i).cachedLog();
        for (long index = log.firstIndex(); index <= committed.size(); index++) {
            Entry e = committed.get((int) index - 1);
            // Leader Completeness speaks of entries committed in earlier terms (a leader elected
            // late, after a pause, may lead an older term than the one that committed e).
            if (committedInTerm.get((int) index - 1) >= s.term()) continue;
            if (index > log.lastIndex() || log.term(index) != e.term()) {
                throw violation("Leader Completeness", sim.id(i) + " leads term " + s.term() + " without committed entry " + e);
            }
        }
    }

    private void checkLogMatching() {
        int n = n();
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                LogReader la = sim.disk(a).cachedLog();
                LogReader lb = sim.disk(b).cachedLog();
                long floor = Math.max(la.firstIndex(), lb.firstIndex());
                long i = Math.min(la.lastIndex(), lb.lastIndex());
                while (i >= floor && la.term(i) != lb.term(i)) i--;
                if (i < floor) continue;
                List<Entry> ea = la.entries(floor, i + 1, Long.MAX_VALUE);
                List<Entry> eb = lb.entries(floor, i + 1, Long.MAX_VALUE);
                if (!ea.equals(eb)) {
                    int j = 0;
                    while (ea.get(j).equals(eb.get(j))) j++;
                    throw violation("Log Matching", sim.id(a) + " and " + sim.id(b) + " agree at index " + i
                            + " but differ at " + (floor + j) + ": " + ea.get(j) + " vs " + eb.get(j));
                }
            }
        }
    }

    private int n() {
        return sim.size();
    }

    private SimulationViolation violation(String property, String detail) {
        return new SimulationViolation(property, detail + "\n  nodes:\n" + sim.describeNodes());
    }
}

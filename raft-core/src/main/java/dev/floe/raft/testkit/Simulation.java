package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.core.ProposeResult;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.ReadState;
import dev.floe.raft.core.Ready;
import dev.floe.raft.core.Role;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.SnapshotRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A deterministic simulation of a whole Raft cluster: the real {@link RaftNode}s, a simulated
 * network that delays, drops, duplicates and reorders messages and cuts symmetric and one-way
 * partitions, simulated disks that lose unsynced writes on a crash, and clients proposing
 * commands throughout. Every random choice derives from {@link SimConfig#seed()}, so a run is
 * reproduced exactly by its seed.
 *
 * <p>After every event the {@link InvariantChecker} checks Raft's safety properties; at the end of
 * the run, after every fault has healed, it checks liveness (a leader, and every command done).
 * A broken property throws {@link InvariantViolation} carrying the seed and the replay command.
 */
public final class Simulation {
    /** Once per simulated second, for demos: the cluster at a glance. */
    public record Summary(long timeMillis, long term, Optional<NodeId> leader, long commitIndex, int nodesUp,
                          long commandsCommitted, SimStats stats) {
    }

    /** What a finished run did. */
    public record Result(long seed, int nodes, long events, long timeMillis, long maxTerm, long commitIndex,
                         long commandsCommitted, SimStats stats) {
    }

    private static final int TRACE_EVENTS = 60;

    final SimConfig config;
    final SplittableRandom random;
    private final PriorityQueue<SimEvent> queue = new PriorityQueue<>();
    private long seq;
    long now;
    final SimNode[] nodes;
    private final Map<NodeId, Integer> indexOf = new HashMap<>();
    final ClusterConfig membership;
    private final SimClient[] clients;
    private final Map<String, SimClient> waitingOn = new HashMap<>();
    private final SimRead[] activeReads;
    private long nextReadId = 1;
    private int issued;
    final SimStats stats = new SimStats();
    private final InvariantChecker checker;

    // network faults
    private final boolean[][] blocked;
    private double dropRate;
    private double duplicateRate;
    private boolean healed;
    private boolean isolateNextLeader;
    private final long faultEnd;
    private final long end;

    private final SimEvent[] trace = new SimEvent[TRACE_EVENTS];
    private long traced;
    private Consumer<String> traceSink;
    private Consumer<Summary> summarySink;

    public Simulation(SimConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        int processes = config.nodes() + config.spares();
        this.nodes = new SimNode[processes];
        TreeSet<NodeId> ids = new TreeSet<>();
        for (int i = 0; i < processes; i++) {
            NodeId id = NodeId.of("n" + (i + 1));
            if (i < config.nodes()) ids.add(id);
            indexOf.put(id, i);
        }
        // Spares start with the initial configuration, which does not include them: they wait to be added.
        this.membership = ClusterConfig.ofVoters(ids);
        for (int i = 0; i < processes; i++) {
            nodes[i] = new SimNode(i, NodeId.of("n" + (i + 1)));
            nodes[i].start(this);
        }
        this.clients = new SimClient[config.clients()];
        for (int i = 0; i < clients.length; i++) clients[i] = new SimClient(i);
        this.activeReads = new SimRead[config.readers()];
        this.blocked = new boolean[processes][processes];
        this.dropRate = config.dropRate();
        this.duplicateRate = config.duplicateRate();
        this.faultEnd = (long) config.faultTicks() * SimConfig.TICK_MILLIS;
        this.end = faultEnd + (long) config.healTicks() * SimConfig.TICK_MILLIS;
        this.checker = new InvariantChecker(this);
    }

    /** Prints every event as it happens (for replaying a seed). */
    public Simulation traceTo(Consumer<String> sink) {
        this.traceSink = sink;
        return this;
    }

    /** Receives a {@link Summary} every simulated second. */
    public Simulation summariesTo(Consumer<Summary> sink) {
        this.summarySink = sink;
        return this;
    }

    /** Runs a whole simulation of {@code config}; throws {@link InvariantViolation} on a broken property. */
    public static Result run(SimConfig config) {
        return new Simulation(config).run();
    }

    /** Runs to the end of the heal phase and checks liveness. */
    public Result run() {
        for (SimNode n : nodes) schedule(1 + random.nextInt(SimConfig.TICK_MILLIS), SimEvent.Kind.TICK, n.index, 0, null, "");
        for (SimClient c : clients) schedule(random.nextInt(200), SimEvent.Kind.CLIENT_SEND, c.id, 0, null, "");
        for (int r = 0; r < activeReads.length; r++) schedule(random.nextInt(300), SimEvent.Kind.READ_SEND, r, 0, null, "");
        scheduleNextFault();
        schedule(faultEnd, SimEvent.Kind.FAULT, -1, 0, null, "heal everything");
        long nextSummary = 1000;
        long events = 0;
        while (!queue.isEmpty() && queue.peek().time() <= end) {
            SimEvent ev = queue.poll();
            now = ev.time();
            while (summarySink != null && now >= nextSummary) {
                summarySink.accept(summary(nextSummary));
                nextSummary += 1000;
            }
            trace[(int) (traced++ % TRACE_EVENTS)] = ev;
            if (traceSink != null) traceSink.accept(ev.toString());
            try {
                handle(ev);
            } catch (InvariantViolation v) {
                throw v;
            } catch (RuntimeException e) {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                throw violation("No unexpected exception", trace.toString().lines().limit(12).reduce((a, b) -> a + "\n" + b).orElse(""));
            }
            events++;
            checker.afterEvent(ev);
        }
        checker.atEnd();
        long maxTerm = 0;
        long commit = 0;
        for (SimNode n : nodes) {
            if (n.up) {
                maxTerm = Math.max(maxTerm, n.raft.term());
                commit = Math.max(commit, n.raft.commitIndex());
            }
        }
        return new Result(config.seed(), config.nodes(), events, now, maxTerm, commit, stats.commandsCommitted, stats);
    }

    // ------------------------------------------------------------------ events

    private void handle(SimEvent ev) {
        switch (ev.kind()) {
            case TICK -> {
                SimNode n = nodes[ev.node()];
                if (n.up) {
                    n.raft.tick();
                    drain(n);
                }
                schedule(now + SimConfig.TICK_MILLIS, SimEvent.Kind.TICK, ev.node(), 0, null, "");
            }
            case DELIVER -> deliver(ev.message());
            case DISK_DURABLE -> {
                SimNode n = nodes[ev.node()];
                if (n.up && n.incarnation == ev.incarnation()) {
                    SimDisk.Write w = n.disk.completeOldest();
                    for (Message m : w.afterPersist()) send(m);
                    if (!w.entries().isEmpty()) {
                        Entry last = w.entries().get(w.entries().size() - 1);
                        n.raft.persisted(last.index(), last.term());
                    }
                    drain(n);
                }
            }
            case CLIENT_SEND -> clientSend(clients[ev.node()]);
            case CLIENT_TIMEOUT -> {
                SimClient c = clients[ev.node()];
                if (c.waiting && c.attempt == ev.incarnation()) {
                    c.target = -1;
                    clientSend(c);
                }
            }
            case READ_SEND -> readSend(ev.node());
            case READ_TIMEOUT -> {
                SimRead r = activeReads[ev.node()];
                if (r != null && r.requestId == ev.message().term()) readSend(ev.node());
            }
            case SNAPSHOT_REPORT -> {
                SimNode n = nodes[ev.node()];
                if (n.up && n.incarnation == ev.incarnation()) {
                    n.raft.reportSnapshot(ev.message().to(), ev.note().equals("ok"));
                    drain(n);
                }
            }
            case FAULT -> {
                if (ev.node() == -1) healEverything();
                else injectFault();
            }
            case HEAL_ONE -> healOne(ev);
        }
    }

    /** Hands everything the node has ready to the network, the disk and the state machine. */
    void drain(SimNode n) {
        while (n.raft.hasReady()) {
            Ready rd = n.raft.ready();
            for (Message m : rd.messages()) send(m);
            rd.snapshot().ifPresent(meta -> {
                // The state machine is replaced by the snapshot's state.
                checker.onRestore(n, meta);
                n.applied = meta.lastIndex();
                n.lastSnapshotAt = meta.lastIndex();
            });
            for (NodeId peer : rd.snapshotTransfers()) sendSnapshot(n, peer);
            if (rd.mustPersist() || (!rd.messagesAfterPersist().isEmpty() && n.disk.hasInFlight())) {
                SimDisk.Write w = n.disk.submit(rd.snapshot(), rd.hardState(), rd.entries(), rd.messagesAfterPersist(),
                        now + 1 + random.nextInt(config.maxDiskMillis()));
                schedule(w.durableAt(), SimEvent.Kind.DISK_DURABLE, n.index, n.incarnation, null, "");
                if (n.crashOnNextWrite) {
                    // The most adversarial moment: the write was issued, nothing of it is durable yet.
                    n.crashOnNextWrite = false;
                    crash(n);
                    return;
                }
            } else {
                for (Message m : rd.messagesAfterPersist()) send(m);
            }
            observe(n);
            for (Entry e : rd.committedEntries()) apply(n, e);
            for (ReadState rs : rd.readStates()) onReadState(n, rs);
            if (!n.waitingReads.isEmpty()) serveWaitingReads(n);
            if (!rd.committedEntries().isEmpty()) maybeSnapshot(n);
        }
        observe(n);
    }

    /** Now and then a node snapshots its state at its applied index and compacts its log (paper §7). */
    private void maybeSnapshot(SimNode n) {
        if (config.snapshotEvery() == 0 || n.applied - n.lastSnapshotAt < config.snapshotEvery()) return;
        if (random.nextInt(4) != 0) return;
        long index = n.applied;
        SnapshotMeta meta = new SnapshotMeta(index, n.disk.log().term(index), n.raft.config());
        checker.onSnapshot(n, meta);
        n.disk.storeSnapshot(new SimDisk.Snapshot(meta));
        n.lastSnapshotAt = index;
        stats.snapshots++;
        // Keep a few entries before the snapshot point, so slightly lagging followers need no snapshot.
        long keep = random.nextInt(10);
        long compactTo = Math.max(n.disk.log().firstIndex() - 1, index - keep);
        if (compactTo >= n.disk.log().firstIndex()) n.disk.compact(compactTo);
    }

    /**
     * The leader's runtime streams its latest snapshot to {@code peer}. Here the transfer is one
     * message (the final chunk, as the receiving core sees it); the receiver stores the snapshot
     * before stepping it in, and the leader hears the outcome, or a failure after a timeout.
     */
    private void sendSnapshot(SimNode leader, NodeId peer) {
        SimDisk.Snapshot snap = leader.disk.snapshot().orElseThrow(() -> violation("Snapshot transfer",
                leader.id + " compacted its log without a stored snapshot"));
        SnapshotRequest m = new SnapshotRequest(leader.id, peer, leader.raft.term(), snap.meta(), 0, Bytes.EMPTY, true, 0);
        stats.snapshotsSent++;
        send(m);
        schedule(now + 50L * SimConfig.TICK_MILLIS, SimEvent.Kind.SNAPSHOT_REPORT, leader.index, leader.incarnation, m, "timed out");
    }

    private void observe(SimNode n) {
        boolean newLeader = n.raft.role() == Role.LEADER && (n.lastRole != Role.LEADER || n.lastTerm != n.raft.term());
        checker.observe(n);
        if (newLeader && isolateNextLeader && !healed) {
            // Cut the new leader off before its first appends arrive: leaders that cannot replicate
            // their first entries are what the subtle commit rules are about (Raft paper Figure 8).
            isolateNextLeader = false;
            for (int i = 0; i < nodes.length; i++) {
                blocked[n.index][i] = true;
                blocked[i][n.index] = true;
            }
            note("isolate new leader " + n.id);
            schedule(now + (10 + random.nextInt(60)) * (long) SimConfig.TICK_MILLIS, SimEvent.Kind.HEAL_ONE, -1, 0, null, "heal partitions");
        }
    }

    private void apply(SimNode n, Entry e) {
        checker.onApply(n, e);
        if (e.type() == EntryType.COMMAND && checker.isFirstApplication(e)) {
            String command = e.data().toUtf8();
            stats.commandsApplied++;
            SimClient c = waitingOn.remove(command);
            checker.onWriteCompleted(e.index());
            if (c != null) {
                c.waiting = false;
                c.attempt++;
                stats.commandsCommitted++;
                stats.recordLatency(now - c.issuedAt);
                schedule(now + random.nextInt(Math.max(1, clientPause())), SimEvent.Kind.CLIENT_SEND, c.id, 0, null, "");
            } else if (!checker.noteCommandApplied(command, e.index())) {
                stats.duplicateApplications++;
            }
        }
    }

    private int clientPause() {
        return (int) (2 * faultEnd * clients.length / Math.max(1, config.proposals()));
    }

    // ------------------------------------------------------------------ network

    void send(Message m) {
        stats.messagesSent++;
        if (random.nextDouble() < dropRate) {
            stats.messagesDropped++;
            return;
        }
        schedule(now + delay(), SimEvent.Kind.DELIVER, -1, 0, m, "");
        if (random.nextDouble() < duplicateRate) {
            stats.messagesDuplicated++;
            schedule(now + delay(), SimEvent.Kind.DELIVER, -1, 0, m, "");
        }
    }

    /** Usually 1..maxDelay ms; now and then (until healed) a stalled message that arrives much later. */
    private long delay() {
        if (!healed && random.nextDouble() < config.longDelayRate()) {
            return config.maxDelayMillis() + random.nextInt(config.longDelayMillis());
        }
        return 1 + random.nextInt(config.maxDelayMillis());
    }

    private void deliver(Message m) {
        int from = indexOf.get(m.from());
        Integer to = indexOf.get(m.to());
        if (to == null || !nodes[to].up || blocked[from][to]) {
            stats.messagesDropped++;
            return;
        }
        SimNode n = nodes[to];
        if (m instanceof SnapshotRequest sr && sr.done()) {
            // The receiving runtime stores and verifies the whole snapshot before the core sees it.
            n.disk.storeSnapshot(new SimDisk.Snapshot(sr.meta()));
            SimNode sender = nodes[from];
            schedule(now + 1 + random.nextInt(config.maxDelayMillis()), SimEvent.Kind.SNAPSHOT_REPORT, from,
                    sender.incarnation, m, "ok");
        }
        n.raft.step(m);
        drain(n);
    }

    // ------------------------------------------------------------------ clients

    private void clientSend(SimClient c) {
        if (!c.waiting) {
            if (issued >= config.proposals() || now >= faultEnd) return;
            c.seq++;
            c.command = "c" + c.id + "-" + c.seq;
            c.waiting = true;
            c.issuedAt = now;
            issued++;
            waitingOn.put(c.command, c);
        }
        int target = c.target >= 0 ? c.target : random.nextInt(nodes.length);
        SimNode n = nodes[target];
        if (!n.up) {
            c.target = -1;
            schedule(now + 20, SimEvent.Kind.CLIENT_SEND, c.id, 0, null, "");
            return;
        }
        ProposeResult result = n.raft.propose(Bytes.utf8(c.command));
        drain(n);
        if (result instanceof ProposeResult.Accepted) {
            c.attempt++;
            c.target = target;
            stats.proposalsAccepted++;
            schedule(now + 40L * SimConfig.TICK_MILLIS, SimEvent.Kind.CLIENT_TIMEOUT, c.id, c.attempt, null, "");
        } else if (result instanceof ProposeResult.Rejected r) {
            stats.proposalsRejected++;
            c.target = r.leaderHint().map(indexOf::get).orElse(-1);
            schedule(now + (c.target >= 0 ? 5 : 30), SimEvent.Kind.CLIENT_SEND, c.id, 0, null, "");
        }
    }

    // ------------------------------------------------------------------ readers

    private void readSend(int reader) {
        SimRead r = activeReads[reader];
        if (r == null) {
            if (now >= faultEnd) return;
            r = new SimRead(reader, now, checker.maxCompletedIndex());
            activeReads[reader] = r;
        }
        if (r.node >= 0) {
            // Abandon the previous attempt wherever it is.
            nodes[r.node].pendingReads.remove(r.requestId);
            nodes[r.node].waitingReads.remove(r);
        }
        int target = random.nextInt(nodes.length);
        SimNode n = nodes[target];
        r.requestId = nextReadId++;
        r.node = target;
        r.readIndex = -1;
        // The timeout event carries the attempt's id in a placeholder message's term.
        schedule(now + 40L * SimConfig.TICK_MILLIS, SimEvent.Kind.READ_TIMEOUT, reader, 0,
                new dev.floe.raft.message.TimeoutNow(n.id, n.id, r.requestId), "");
        if (!n.up) return;
        n.pendingReads.put(r.requestId, r);
        java.util.OptionalLong lease = n.raft.leaseReadIndex();
        if (lease.isPresent() && random.nextBoolean()) {
            // A lease read: no heartbeat round, the leader's lease vouches for its commit index.
            stats.leaseReads++;
            onReadState(n, new ReadState.Ready(r.requestId, lease.getAsLong()));
            return;
        }
        n.raft.readIndex(r.requestId);
        drain(n);
    }

    private void onReadState(SimNode n, ReadState rs) {
        SimRead r = n.pendingReads.remove(rs.requestId());
        if (r == null) return;
        if (rs instanceof ReadState.Ready ready) {
            r.readIndex = ready.readIndex();
            if (n.applied >= r.readIndex) completeRead(n, r);
            else n.waitingReads.add(r);
        } else {
            stats.readsRejected++;
            schedule(now + 20, SimEvent.Kind.READ_SEND, r.reader, 0, null, "");
            r.requestId = -1;
        }
    }

    private void serveWaitingReads(SimNode n) {
        for (int i = 0; i < n.waitingReads.size(); i++) {
            SimRead r = n.waitingReads.get(i);
            if (r.readIndex <= n.applied) {
                n.waitingReads.remove(i--);
                completeRead(n, r);
            }
        }
    }

    /** The read runs on {@code n}'s state machine now: it observes the prefix up to n.applied. */
    private void completeRead(SimNode n, SimRead r) {
        if (activeReads[r.reader] != r) return;
        checker.onReadCompleted(n, r, n.applied);
        activeReads[r.reader] = null;
        stats.readsCompleted++;
        schedule(now + random.nextInt(200), SimEvent.Kind.READ_SEND, r.reader, 0, null, "");
    }

    /** Reads invoked and not yet completed. */
    int readsPending() {
        int pending = 0;
        for (SimRead r : activeReads) if (r != null) pending++;
        return pending;
    }

    /** Commands issued and not yet applied anywhere. */
    int commandsPending() {
        return waitingOn.size();
    }

    // ------------------------------------------------------------------ faults

    private void scheduleNextFault() {
        long at = now + (1 + random.nextInt(2 * config.faultEveryTicks())) * (long) SimConfig.TICK_MILLIS;
        if (at < faultEnd) schedule(at, SimEvent.Kind.FAULT, 0, 0, null, "fault");
    }

    private void injectFault() {
        scheduleNextFault();
        if (healed) return;
        int kind = random.nextInt(config.spares() > 0 ? 7 : 5);
        switch (kind) {
            case 0 -> {
                SimNode n = pickCrashVictim();
                if (!n.up) return;
                if (random.nextBoolean()) {
                    crash(n);
                } else {
                    n.crashOnNextWrite = true;
                    note("arm crash of " + n.id + " at its next write");
                }
            }
            case 1 -> {
                // A symmetric partition: a random non-empty proper subset against the rest.
                int mask = 1 + random.nextInt((1 << nodes.length) - 2);
                for (int a = 0; a < nodes.length; a++) {
                    for (int b = 0; b < nodes.length; b++) {
                        if (((mask >> a) & 1) != ((mask >> b) & 1)) blocked[a][b] = true;
                    }
                }
                stats.partitions++;
                note("partition " + describeMask(mask));
                schedule(now + (10 + random.nextInt(100)) * (long) SimConfig.TICK_MILLIS, SimEvent.Kind.HEAL_ONE, -1, 0, null, "heal partitions");
            }
            case 2 -> {
                // A one-way cut: one node stops hearing from (or being heard by) another.
                int a = random.nextInt(nodes.length);
                int b = random.nextInt(nodes.length);
                if (a == b) return;
                blocked[a][b] = true;
                stats.oneWayCuts++;
                note("cut " + nodes[a].id + "->" + nodes[b].id);
                schedule(now + (10 + random.nextInt(80)) * (long) SimConfig.TICK_MILLIS, SimEvent.Kind.HEAL_ONE, -1, 0, null, "heal partitions");
            }
            case 3 -> {
                // A leader-targeting fault: isolate whichever node wins the next election.
                isolateNextLeader = true;
                stats.partitions++;
                note("arm isolation of the next new leader");
            }
            case 5 -> reconfigure();
            case 6 -> transferLeadership();
            default -> {
                dropRate = 0.3;
                stats.lossBursts++;
                note("loss burst 30%");
                schedule(now + (5 + random.nextInt(30)) * (long) SimConfig.TICK_MILLIS, SimEvent.Kind.HEAL_ONE, -2, 0, null, "end loss burst");
            }
        }
    }

    private SimNode currentLeader() {
        SimNode leader = null;
        for (SimNode n : nodes) {
            if (n.up && n.raft.role() == Role.LEADER && (leader == null || n.raft.term() > leader.raft.term())) leader = n;
        }
        return leader;
    }

    /**
     * Asks the leader for a random membership change: add a learner, promote one, remove a voter,
     * or replace several voters at once (joint consensus). Refusals (a change in progress, an
     * invalid target) are part of the test.
     */
    private void reconfigure() {
        SimNode leader = currentLeader();
        if (leader == null) return;
        ClusterConfig current = leader.raft.config();
        TreeSet<NodeId> voters = new TreeSet<>(current.voters());
        TreeSet<NodeId> learners = new TreeSet<>(current.learners());
        NodeId pick = nodes[random.nextInt(nodes.length)].id;
        String what;
        switch (random.nextInt(4)) {
            case 0 -> {
                if (voters.contains(pick) || learners.contains(pick)) return;
                learners.add(pick);
                what = "add learner " + pick;
            }
            case 1 -> {
                if (learners.isEmpty()) return;
                NodeId l = learners.first();
                learners.remove(l);
                voters.add(l);
                what = "promote " + l;
            }
            case 2 -> {
                if (voters.size() <= 2) return;
                voters.remove(pick);
                learners.remove(pick);
                what = "remove " + pick;
            }
            default -> {
                // Replace: a random voter set of 3 or 5 from all processes, through joint consensus.
                int size = random.nextBoolean() ? 3 : 5;
                List<NodeId> all = new ArrayList<>(indexOf.keySet());
                java.util.Collections.sort(all);
                for (int i = all.size() - 1; i > 0; i--) java.util.Collections.swap(all, i, random.nextInt(i + 1));
                voters = new TreeSet<>(all.subList(0, Math.min(size, all.size())));
                learners.removeAll(voters);
                what = "replace voters with " + voters;
            }
        }
        ClusterConfig target;
        try {
            target = new ClusterConfig(voters, new TreeSet<>(), learners);
        } catch (IllegalArgumentException e) {
            return;
        }
        ProposeResult r = leader.raft.proposeConfig(target, Bytes.EMPTY);
        if (r instanceof ProposeResult.Accepted) stats.configChanges++;
        note(leader.id + " " + what + ": " + (r instanceof ProposeResult.Accepted ? "accepted" : ((ProposeResult.Rejected) r).detail()));
        drain(leader);
    }

    private void transferLeadership() {
        SimNode leader = currentLeader();
        if (leader == null) return;
        List<NodeId> voters = new ArrayList<>(leader.raft.config().voters());
        NodeId target = voters.get(random.nextInt(voters.size()));
        ProposeResult r = leader.raft.transferLeadership(target);
        if (r instanceof ProposeResult.Accepted) stats.transfers++;
        note(leader.id + " transfer leadership to " + target + ": " + (r instanceof ProposeResult.Accepted ? "started" : ((ProposeResult.Rejected) r).detail()));
        drain(leader);
    }

    private void crash(SimNode n) {
        n.crash(this);
        stats.crashes++;
        note("crash " + n.id);
        // Half the restarts are immediate (a supervisor restarts the process), half take a while.
        long downTicks = random.nextBoolean() ? 1 + random.nextInt(3) : 5 + random.nextInt(60);
        schedule(now + downTicks * SimConfig.TICK_MILLIS, SimEvent.Kind.HEAL_ONE, n.index, 0, null, "restart " + n.id);
    }

    /**
     * Prefers a node with writes in flight: crashing exactly when something is not yet durable is
     * what exposes durability-ordering mistakes.
     */
    private SimNode pickCrashVictim() {
        if (random.nextBoolean()) {
            List<SimNode> busy = new ArrayList<>();
            for (SimNode n : nodes) if (n.up && n.disk.hasInFlight()) busy.add(n);
            if (!busy.isEmpty()) return busy.get(random.nextInt(busy.size()));
        }
        return nodes[random.nextInt(nodes.length)];
    }

    private void healOne(SimEvent ev) {
        if (ev.node() >= 0) {
            SimNode n = nodes[ev.node()];
            if (!n.up) n.restart(this);
        } else if (ev.node() == -1) {
            for (boolean[] row : blocked) java.util.Arrays.fill(row, false);
        } else if (!healed) {
            dropRate = config.dropRate();
        }
    }

    /** The end of the fault phase: restart everyone, reconnect everything, stop losing messages. */
    private void healEverything() {
        healed = true;
        for (boolean[] row : blocked) java.util.Arrays.fill(row, false);
        dropRate = 0;
        duplicateRate = 0;
        for (SimNode n : nodes) {
            n.crashOnNextWrite = false;
            if (!n.up) n.restart(this);
        }
    }

    private String describeMask(int mask) {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) ((mask >> i & 1) == 1 ? a : b).add(nodes[i].id.value());
        return a + " | " + b;
    }

    private void note(String what) {
        if (traceSink != null) traceSink.accept(String.format("%8dms FAULT %s", now, what));
    }

    void schedule(long time, SimEvent.Kind kind, int node, int incarnation, Message message, String note) {
        queue.add(new SimEvent(time, seq++, kind, node, incarnation, message, note));
    }

    // ------------------------------------------------------------------ reporting

    int indexOf(NodeId id) {
        return indexOf.get(id);
    }

    /** The last events, oldest first, for a failure report. */
    String recentTrace() {
        StringBuilder sb = new StringBuilder();
        long from = Math.max(0, traced - TRACE_EVENTS);
        for (long i = from; i < traced; i++) sb.append("    ").append(trace[(int) (i % TRACE_EVENTS)]).append('\n');
        return sb.toString();
    }

    InvariantViolation violation(String property, String detail) {
        StringBuilder state = new StringBuilder();
        for (SimNode n : nodes) state.append("    ").append(n.up ? n.raft.toString() : n.id + " [down]").append('\n');
        return new InvariantViolation(config.seed(), property, detail + "\n  run: " + config.nodes() + " nodes + "
                + config.spares() + " spares, preVote=" + config.options().preVote() + ", checkQuorum=" + config.options().checkQuorum()
                + ", snapshotEvery=" + config.snapshotEvery() + "\n  nodes:\n" + state, recentTrace());
    }

    private Summary summary(long at) {
        long term = 0;
        Optional<NodeId> leader = Optional.empty();
        long commit = 0;
        int up = 0;
        for (SimNode n : nodes) {
            if (!n.up) continue;
            up++;
            commit = Math.max(commit, n.raft.commitIndex());
            if (n.raft.role() == Role.LEADER && n.raft.term() >= term) {
                term = n.raft.term();
                leader = Optional.of(n.id);
            }
            term = Math.max(term, n.raft.term());
        }
        return new Summary(at, term, leader, commit, up, stats.commandsCommitted, stats.copy());
    }
}

package dev.floe.raft.core;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.message.Message;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A hand-driven cluster for focused rule tests: each member persists synchronously to memory,
 * messages wait in one queue until a test delivers them (optionally dropping some).
 */
final class TestCluster {
    static final RaftOptions OPTIONS = RaftOptions.DEFAULTS.withElectionTicks(10, 1);
    /** Far more than any scenario needs; more means the members talk in circles. */
    private static final int MAX_DELIVERIES = 20_000;

    /** One member and the storage it survives restarts with. */
    static final class Member {
        final NodeId id;
        final MemoryLogStorage log;
        final MemoryHardStateStore hardState = new MemoryHardStateStore();
        final List<Entry> applied = new ArrayList<>();
        final List<Ready> readies = new ArrayList<>();
        RaftNode raft;

        Member(NodeId id, MemoryLogStorage log) {
            this.id = id;
            this.log = log;
        }
    }

    final Map<NodeId, Member> members = new LinkedHashMap<>();
    final List<Message> inFlight = new ArrayList<>();
    final ClusterConfig config;
    private final RaftOptions options;
    private long seed;

    TestCluster(int size) {
        this(size, OPTIONS);
    }

    TestCluster(int size, RaftOptions options) {
        this(size, size, options);
    }

    /** {@code size} processes, of which the first {@code voters} form the initial configuration. */
    TestCluster(int size, int voters, RaftOptions options) {
        this(ClusterConfig.ofVoters(java.util.Arrays.copyOf(names(size), voters)), options, names(size));
    }

    /** Processes {@code ids}, all starting from configuration {@code config} (which may name learners). */
    TestCluster(ClusterConfig config, RaftOptions options, String... ids) {
        this.options = options;
        this.config = config;
        for (String id : ids) {
            Member m = new Member(NodeId.of(id), new MemoryLogStorage());
            members.put(m.id, m);
            start(m);
        }
    }

    private static String[] names(int size) {
        String[] ids = new String[size];
        for (int i = 0; i < size; i++) ids[i] = "n" + (i + 1);
        return ids;
    }

    /** Gives member {@code id} a pre-existing durable log (for log-repair scenarios); call before anything runs. */
    void preload(String id, long term, List<Entry> entries) {
        Member m = member(id);
        if (!entries.isEmpty()) m.log.append(entries);
        m.hardState.save(new HardState(term, java.util.Optional.empty()));
        start(m);
    }

    void start(Member m) {
        m.raft = RaftNode.create(options, m.id, config, m.hardState.load(), m.log, 0, new SplittableRandom(seed++));
    }

    /** Simulates a restart: the process state is gone, the (synchronously persisted) storage remains. */
    void restart(String id) {
        Member m = member(id);
        m.applied.clear();
        inFlight.removeIf(msg -> msg.to().equals(m.id) || msg.from().equals(m.id));
        start(m);
    }

    Member member(String id) {
        return members.get(NodeId.of(id));
    }

    RaftNode node(String id) {
        return member(id).raft;
    }

    /** Performs every Ready of {@code id} the way a correct runtime does (persist, then send). */
    void drain(String id) {
        Member m = member(id);
        while (m.raft.hasReady()) {
            Ready rd = m.raft.ready();
            m.readies.add(rd);
            inFlight.addAll(rd.messages());
            rd.hardState().ifPresent(m.hardState::save);
            if (!rd.entries().isEmpty()) m.log.append(rd.entries());
            inFlight.addAll(rd.messagesAfterPersist());
            rd.lastEntryToPersist().ifPresent(e -> m.raft.persisted(e.index(), e.term()));
            m.applied.addAll(rd.committedEntries());
        }
    }

    void drainAll() {
        for (NodeId id : members.keySet()) drain(id.value());
    }

    /** Delivers queued messages (and the answers they cause) until none is left; drops those matching {@code drop}. */
    int deliverAll(Predicate<Message> drop) {
        int delivered = 0;
        drainAll();
        while (!inFlight.isEmpty()) {
            if (delivered > MAX_DELIVERIES) throw new AssertionError("messages never stop flowing (a livelock?): " + inFlight);
            Message msg = inFlight.remove(0);
            if (drop.test(msg)) continue;
            Member to = members.get(msg.to());
            to.raft.step(msg);
            drain(to.id.value());
            delivered++;
        }
        return delivered;
    }

    int deliverAll() {
        return deliverAll(m -> false);
    }

    /** Ticks {@code id} until it campaigns, then runs the election to the end. */
    void elect(String id) {
        elect(id, m -> false);
    }

    /** Like {@link #elect(String)}, dropping the messages that match {@code drop}. */
    void elect(String id, Predicate<Message> drop) {
        RaftNode n = node(id);
        for (int i = 0; i < 10 * OPTIONS.electionTicks() && n.role() == Role.FOLLOWER; i++) {
            n.tick();
        }
        deliverAll(drop);
        if (n.role() != Role.LEADER) throw new AssertionError(id + " did not win: " + n);
    }

    void tickAll(int ticks, Predicate<Message> drop) {
        for (int t = 0; t < ticks; t++) {
            for (Member m : members.values()) m.raft.tick();
            deliverAll(drop);
        }
    }

    List<Message> take(Predicate<Message> which) {
        drainAll();
        List<Message> out = new ArrayList<>();
        inFlight.removeIf(m -> {
            if (which.test(m)) {
                out.add(m);
                return true;
            }
            return false;
        });
        return out;
    }

    static Bytes cmd(String s) {
        return Bytes.utf8(s);
    }

    static Predicate<Message> between(String a, String b) {
        NodeId x = NodeId.of(a);
        NodeId y = NodeId.of(b);
        return m -> (m.from().equals(x) && m.to().equals(y)) || (m.from().equals(y) && m.to().equals(x));
    }

    static Predicate<Message> isolating(String id) {
        NodeId x = NodeId.of(id);
        return m -> m.from().equals(x) || m.to().equals(x);
    }
}

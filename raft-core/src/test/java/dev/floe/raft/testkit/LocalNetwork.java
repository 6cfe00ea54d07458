package dev.floe.raft.testkit;

import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * An in-memory network for running real servers (real threads, real clock) in one JVM without
 * sockets: {@link #transport(NodeId)} hands out a {@link Transport} per member, and each member
 * receives on its own delivery thread ({@code floe-<id>-localnet}), as over a real network.
 *
 * <p>Faults, for tests: {@link #isolate} cuts a member off, {@link #partition} splits the members
 * in two, {@link #block} loses every message of a kind, {@link #dropProbability} loses a fraction of messages at random, {@link #heal} undoes all
 * of it. Messages are addressed by node id; a message to a member that is not started (or closed,
 * or whose inbound queue is full) is dropped and counted. Thread-safe. Unlike the rest of the
 * testkit it runs threads: it is for tests of the threaded runtime, not for the simulator.
 */
public final class LocalNetwork {
    /** Bound of each member's inbound queue, in messages; beyond it messages are dropped, as a transport may. */
    public static final int INBOUND_QUEUE_CAPACITY = 100_000;

    private final Map<NodeId, LocalTransport> started = new ConcurrentHashMap<>();
    private final Set<NodeId> isolated = ConcurrentHashMap.newKeySet();
    /** When non-empty, members inside and outside this set cannot reach each other. */
    private volatile Set<NodeId> partitionSide = Set.of();
    private volatile double dropProbability;
    private volatile Predicate<Message> blocked = m -> false;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /** A new transport for member {@code id}; start it (directly or through a server) to join the network. */
    public Transport transport(NodeId id) {
        return new LocalTransport(this, id);
    }

    /** Cuts {@code id} off from every other member, both ways, until {@link #heal()}. */
    public void isolate(NodeId id) {
        isolated.add(id);
    }

    /** Splits the network: members in {@code side} reach only each other, the rest only each other. */
    public void partition(Collection<NodeId> side) {
        partitionSide = Set.copyOf(side);
    }

    /** Loses every message matching {@code which} (for instance every AppendEntries) until {@link #heal()}. */
    public void block(Predicate<Message> which) {
        blocked = which;
    }

    /** Loses each message with probability {@code p} (0 to 1). */
    public void dropProbability(double p) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("probability must be in [0, 1]: " + p);
        dropProbability = p;
    }

    /** Removes every fault: no isolation, no partition, no random loss. */
    public void heal() {
        isolated.clear();
        partitionSide = Set.of();
        dropProbability = 0;
        blocked = m -> false;
    }

    /** Messages handed to a member's inbound queue so far. */
    public long delivered() {
        return delivered.get();
    }

    /** Messages lost so far, to faults, to absent members or to full queues. */
    public long dropped() {
        return dropped.get();
    }

    void register(LocalTransport transport) {
        LocalTransport old = started.putIfAbsent(transport.id(), transport);
        if (old != null) throw new IllegalStateException(transport.id() + " is already started on this network");
    }

    void unregister(LocalTransport transport) {
        started.remove(transport.id(), transport);
    }

    /** Sender's thread: routes {@code m} to its receiver's queue, or drops it. Never blocks. */
    void route(Message m) {
        LocalTransport to = started.get(m.to());
        if (to == null || !connected(m.from(), m.to()) || blocked.test(m)
                || (dropProbability > 0 && ThreadLocalRandom.current().nextDouble() < dropProbability)
                || !to.enqueue(m)) {
            dropped.incrementAndGet();
            return;
        }
        delivered.incrementAndGet();
    }

    private boolean connected(NodeId a, NodeId b) {
        if (isolated.contains(a) || isolated.contains(b)) return false;
        Set<NodeId> side = partitionSide;
        return side.isEmpty() || side.contains(a) == side.contains(b);
    }
}

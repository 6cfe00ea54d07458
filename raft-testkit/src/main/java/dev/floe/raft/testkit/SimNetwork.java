package dev.floe.raft.testkit;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The simulated network between members: each message is delayed (so messages reorder), may be
 * lost or delivered twice, now and then stalls for a long time, and is dropped while a partition
 * (symmetric or one-way) separates its ends. Delivery is an event of the receiver's current process.
 */
final class SimNetwork {
    private final SimWorld world;
    private final Map<NodeId, Integer> indexOf;
    private final Consumer<Message>[] inbound;
    private final SimProcess[] receivers;
    private final boolean[][] blocked;
    private final long maxDelayNanos;
    private double dropRate;
    private double duplicateRate;
    private double longDelayRate;
    private final long longDelayNanos;
    long sent;
    long dropped;

    @SuppressWarnings("unchecked")
    SimNetwork(SimWorld world, Map<NodeId, Integer> indexOf, long maxDelayNanos, double dropRate,
               double duplicateRate, double longDelayRate, long longDelayNanos) {
        this.world = world;
        this.indexOf = indexOf;
        int n = indexOf.size();
        this.inbound = new Consumer[n];
        this.receivers = new SimProcess[n];
        this.blocked = new boolean[n][n];
        this.maxDelayNanos = maxDelayNanos;
        this.dropRate = dropRate;
        this.duplicateRate = duplicateRate;
        this.longDelayRate = longDelayRate;
        this.longDelayNanos = longDelayNanos;
    }

    /** A transport for {@code process}: what it sends enters this network; what comes for it is delivered to it. */
    Transport transportFor(SimProcess process) {
        return new Transport() {
            @Override
            public void start(NodeId self, Consumer<Message> handler) {
                inbound[process.node] = handler;
                receivers[process.node] = process;
            }

            @Override
            public void send(Message message) {
                // A process that crashed in the middle of an activity's run sends nothing more.
                if (!process.crashed()) SimNetwork.this.send(message);
            }

            @Override
            public void addPeer(NodeId peer, Endpoint endpoint) {
            }

            @Override
            public void removePeer(NodeId peer) {
            }

            @Override
            public void close() {
                if (receivers[process.node] == process) {
                    receivers[process.node] = null;
                    inbound[process.node] = null;
                }
            }
        };
    }

    void send(Message m) {
        sent++;
        Integer from = indexOf.get(m.from());
        Integer to = indexOf.get(m.to());
        if (from == null || to == null || blocked[from][to] || world.random.nextDouble() < dropRate) {
            dropped++;
            return;
        }
        deliverLater(m, to);
        if (world.random.nextDouble() < duplicateRate) deliverLater(m, to);
    }

    private void deliverLater(Message m, int to) {
        SimProcess receiver = receivers[to];
        if (receiver == null) return; // nobody listens there: lost
        long delay = 1 + (long) (world.random.nextDouble() * maxDelayNanos);
        if (world.random.nextDouble() < longDelayRate) delay += (long) (world.random.nextDouble() * longDelayNanos);
        Consumer<Message> handler = inbound[to];
        receiver.run(delay, () -> handler.accept(m));
    }

    void faults(double drop, double duplicate, double longDelay) {
        dropRate = drop;
        duplicateRate = duplicate;
        longDelayRate = longDelay;
    }

    void block(int from, int to) {
        blocked[from][to] = true;
    }

    /** Whether messages from {@code from} to {@code to} are cut off by a partition. */
    boolean blocked(int from, int to) {
        return blocked[from][to];
    }

    void healPartitions() {
        for (boolean[] row : blocked) Arrays.fill(row, false);
    }
}

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
 * Between simulated hosts of many groups ({@link SimHostTransport}) the unit is a frame (a ping, or
 * the messages of one or more groups), which meets these faults as one.
 */
final class SimNetwork {
    private final SimWorld world;
    private final Map<NodeId, Integer> indexOf;
    private final Consumer<Message>[] inbound;
    /** The host transport listening at each node, when the nodes are hosts of many groups. */
    private final SimHostTransport[] hosts;
    private final SimProcess[] receivers;
    private final boolean[][] blocked;
    /** Bumped by {@link #dropInFlight}: a message sent in an earlier epoch of its link is lost on arrival. */
    private final int[][] epoch;
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
        this.hosts = new SimHostTransport[n];
        this.blocked = new boolean[n][n];
        this.epoch = new int[n][n];
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
        Consumer<Message> handler = inbound[to];
        int sentIn = epoch[from][to];
        Runnable delivery = () -> {
            if (epoch[from][to] != sentIn) {
                dropped++;
                return;
            }
            handler.accept(m);
        };
        deliverLater(delivery, to);
        if (world.random.nextDouble() < duplicateRate) deliverLater(delivery, to);
    }

    /** Host {@code process} listens with {@code transport} (until {@link #detach}). */
    void attach(SimProcess process, SimHostTransport transport) {
        receivers[process.node] = process;
        hosts[process.node] = transport;
    }

    void detach(SimProcess process, SimHostTransport transport) {
        if (hosts[process.node] == transport) {
            receivers[process.node] = null;
            hosts[process.node] = null;
        }
    }

    /** Carries {@code frame} from host {@code from} to host {@code to}, to the transport listening there now. */
    void send(int from, int to, SimHostTransport.Frame frame) {
        sent++;
        if (blocked[from][to] || world.random.nextDouble() < dropRate) {
            dropped++;
            return;
        }
        SimHostTransport receiver = hosts[to];
        Runnable delivery = () -> receiver.receive(from, frame);
        deliverLater(delivery, to);
        if (world.random.nextDouble() < duplicateRate) deliverLater(delivery, to);
    }

    private void deliverLater(Runnable delivery, int to) {
        SimProcess receiver = receivers[to];
        if (receiver == null) return; // nobody listens there: lost
        long delay = 1 + (long) (world.random.nextDouble() * maxDelayNanos);
        if (world.random.nextDouble() < longDelayRate) delay += (long) (world.random.nextDouble() * longDelayNanos);
        receiver.run(delay, delivery);
    }

    void faults(double drop, double duplicate, double longDelay) {
        dropRate = drop;
        duplicateRate = duplicate;
        longDelayRate = longDelay;
    }

    void block(int from, int to) {
        blocked[from][to] = true;
    }

    /** Loses, on arrival, every message {@code from} has in flight now (a cut that also takes the packets on the wire). */
    void dropInFlight(int from) {
        for (int to = 0; to < epoch.length; to++) epoch[from][to]++;
    }

    /** Whether messages from {@code from} to {@code to} are cut off by a partition. */
    boolean blocked(int from, int to) {
        return blocked[from][to];
    }

    void healPartitions() {
        for (boolean[] row : blocked) Arrays.fill(row, false);
    }
}

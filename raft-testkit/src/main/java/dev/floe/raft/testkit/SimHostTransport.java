package dev.floe.raft.testkit;

import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.HostTransport;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One simulated host's {@link HostTransport}, as {@code NettyHostTransport} behaves: one link to
 * each peer host over the {@link SimNetwork}, carrying frames tagged with their group; heartbeats
 * (requests and responses) wait up to the coalescing delay for other groups' heartbeats to the same
 * peer and travel with them in one frame, which is lost, delayed or duplicated as one; anything
 * else to that peer first sends what waits. Host pings are frames of their own. Every frame that
 * arrives tells the host's failure detector who was heard; a message for a group this host does
 * not run (or that stopped talking to the sender) is dropped and counted.
 */
final class SimHostTransport implements HostTransport {
    /** One group's message on the wire. */
    record Tagged(GroupId group, Message message) {
    }

    /** What travels between two hosts at once: the messages of one or more groups, or a ping (none). */
    record Frame(List<Tagged> messages) {
        static final Frame PING = new Frame(List.of());
    }

    private final SimNetwork network;
    private final SimProcess process;
    private final Map<NodeId, Integer> indexOf;
    private final NodeId[] hosts;
    private final long coalesceNanos;
    private final SimStats stats;
    private final Map<GroupId, GroupEnd> groups = new HashMap<>();
    /** Per peer host: heartbeats waiting for the coalescing delay. */
    private final List<List<Tagged>> waiting = new ArrayList<>();
    private Consumer<NodeId> heard = peer -> { };

    SimHostTransport(SimNetwork network, SimProcess process, NodeId[] hosts, Map<NodeId, Integer> indexOf, long coalesceNanos,
                     SimStats stats) {
        this.network = network;
        this.process = process;
        this.hosts = hosts;
        this.indexOf = indexOf;
        this.coalesceNanos = coalesceNanos;
        this.stats = stats;
        for (int i = 0; i < hosts.length; i++) waiting.add(new ArrayList<>());
    }

    @Override
    public void start(NodeId self, Consumer<NodeId> heardFrom) {
        if (!self.equals(hosts[process.node])) throw new IllegalArgumentException(self + " is not " + hosts[process.node]);
        heard = heardFrom;
        network.attach(process, this);
    }

    @Override
    public Transport group(GroupId group) {
        GroupEnd end = new GroupEnd(group);
        if (groups.putIfAbsent(group, end) != null) throw new IllegalStateException("group " + group + " already has a transport");
        return end;
    }

    @Override
    public void addPeer(NodeId peer, Endpoint endpoint) {
        // Every simulated host reaches every other one.
    }

    @Override
    public void ping(NodeId peer) {
        Integer to = indexOf.get(peer);
        if (to == null || process.crashed()) return;
        stats.pings++;
        flush(to);
        network.send(process.node, to, Frame.PING);
    }

    @Override
    public void close() {
        network.detach(process, this);
        groups.clear();
    }

    /** A frame from host {@code from} arrived (an event of this host's process). */
    void receive(int from, Frame frame) {
        NodeId sender = hosts[from];
        heard.accept(sender);
        for (Tagged t : frame.messages()) {
            GroupEnd end = groups.get(t.group());
            Consumer<Message> inbound = end == null ? null : end.inbound;
            if (inbound == null || end.removed.contains(sender)) {
                stats.unknownGroupDrops++;
                continue;
            }
            inbound.accept(t.message());
        }
    }

    private void send(GroupId group, Message message) {
        Integer to = indexOf.get(message.to());
        // A process that crashed in the middle of an activity's run sends nothing more.
        if (to == null || process.crashed()) return;
        Tagged tagged = new Tagged(group, message);
        if (coalesceNanos > 0 && (message instanceof HeartbeatRequest || message instanceof HeartbeatResponse)) {
            List<Tagged> queue = waiting.get(to);
            if (queue.isEmpty()) process.run(coalesceNanos, () -> flush(to));
            queue.add(tagged);
            return;
        }
        flush(to); // the link writes in order: what waits goes first
        network.send(process.node, to, new Frame(List.of(tagged)));
    }

    private void flush(int to) {
        List<Tagged> queue = waiting.get(to);
        if (queue.isEmpty() || process.crashed()) return;
        if (queue.size() > 1) stats.heartbeatsCoalesced += queue.size();
        network.send(process.node, to, new Frame(List.copyOf(queue)));
        queue.clear();
    }

    /** One group's view of the host transport. */
    private final class GroupEnd implements Transport {
        private final GroupId group;
        private Consumer<Message> inbound;
        private final Set<NodeId> removed = new HashSet<>();
        private boolean closed;

        GroupEnd(GroupId group) {
            this.group = group;
        }

        @Override
        public void start(NodeId self, Consumer<Message> handler) {
            if (!self.equals(hosts[process.node])) throw new IllegalArgumentException(self + " is not " + hosts[process.node]);
            if (closed) throw new IllegalStateException("the transport of group " + group + " is closed");
            inbound = handler;
        }

        @Override
        public void send(Message message) {
            if (closed || removed.contains(message.to())) return;
            SimHostTransport.this.send(group, message);
        }

        @Override
        public void addPeer(NodeId peer, Endpoint endpoint) {
            removed.remove(peer);
        }

        @Override
        public void removePeer(NodeId peer) {
            removed.add(peer);
        }

        @Override
        public void close() {
            closed = true;
            inbound = null;
            groups.remove(group, this);
        }
    }
}

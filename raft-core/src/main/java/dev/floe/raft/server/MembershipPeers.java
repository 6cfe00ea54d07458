package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the transport's peers in step with the configuration in force. Consensus thread only.
 *
 * <ul>
 *   <li><b>New members are added at once</b>, when the configuration that names them takes effect
 *       (appended, not committed, thesis §4.1), and before that Ready's messages are sent: the leader
 *       replicates to a new member from then on, and votes and responses must be able to reach it.</li>
 *   <li><b>Removed members are forgotten only once the configuration that removed them is
 *       committed.</b> Until then it can still be rolled back (a new leader may overwrite it), and
 *       during a joint change the outgoing voters still decide; dropping their connections early
 *       would make the group unavailable if the change is undone. A member that returns in a later
 *       configuration before then is simply kept.</li>
 * </ul>
 * Members whose raft address is not in the book (from CONFIG entries of versions whose builder took
 * client addresses only) are left
 * as the transport was configured, except that a removed one is still forgotten after the commit.
 */
final class MembershipPeers {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipPeers.class);

    private final NodeId self;
    private final Transport transport;
    /** Raft addresses this server gave the transport. */
    private final Map<NodeId, Endpoint> dialed = new HashMap<>();
    /** Members no longer configured, by the index of the latest configuration without them. */
    private final Map<NodeId, Long> leaving = new HashMap<>();
    private Set<NodeId> members = Set.of();

    MembershipPeers(NodeId self, Transport transport) {
        this.self = self;
        this.transport = transport;
    }

    /** The configuration {@code config} at {@code index}, with addresses {@code book}, is now in force. */
    void update(ClusterConfig config, MembershipBook book, long index) {
        Set<NodeId> now = config.allMembers();
        for (NodeId id : now) {
            if (id.equals(self)) continue;
            leaving.remove(id);
            Optional<Endpoint> raft = book.get(id).flatMap(MembershipBook.Address::raft);
            if (raft.isPresent() && !raft.get().equals(dialed.get(id))) {
                LOG.info("{} connects to member {} at {}", self, id, raft.get());
                transport.addPeer(id, raft.get());
                dialed.put(id, raft.get());
            }
        }
        Set<NodeId> gone = new TreeSet<>(members);
        gone.addAll(leaving.keySet());
        gone.removeAll(now);
        gone.remove(self);
        // The latest configuration without them must commit: an earlier one may have been overwritten.
        for (NodeId id : gone) leaving.put(id, index);
        members = now;
    }

    /** Entries up to {@code commitIndex} are committed: forget members whose removal committed. */
    void committed(long commitIndex) {
        for (Iterator<Map.Entry<NodeId, Long>> it = leaving.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<NodeId, Long> e = it.next();
            if (e.getValue() > commitIndex) continue;
            it.remove();
            dialed.remove(e.getKey());
            LOG.info("{} disconnects from {}: its removal (entry {}) is committed", self, e.getKey(), e.getValue());
            transport.removePeer(e.getKey());
        }
    }
}

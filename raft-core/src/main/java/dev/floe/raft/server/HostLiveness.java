package dev.floe.raft.server;

import dev.floe.raft.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RaftHost}'s failure detector for its peer hosts: when each was last heard from (any
 * frame, pings included), and which are suspected. A host silent for {@code suspectAfterNanos} is
 * reported once, and again only after it has been heard from in between. If this host itself did
 * not check for longer than half the threshold (a GC pause, an overloaded machine), silence proves
 * nothing about the peers: every peer gets a fresh grace period instead.
 */
final class HostLiveness {
    private final Clock clock;
    private final long suspectAfterNanos;
    /** Written by transport threads, read by the host's maintenance activity. */
    private final Map<NodeId, AtomicLong> lastHeard = new ConcurrentHashMap<>();
    /** Maintenance activity only. */
    private final Set<NodeId> suspected = new HashSet<>();
    /** When {@link #newlySuspected} last ran (0: never). Maintenance activity only. */
    private long lastCheck;

    HostLiveness(Clock clock, long suspectAfterNanos) {
        this.clock = clock;
        this.suspectAfterNanos = suspectAfterNanos;
    }

    /** Transport threads: {@code peer} was just heard from. */
    void heard(NodeId peer) {
        long now = clock.nanoTime();
        AtomicLong at = lastHeard.get(peer);
        if (at == null) at = lastHeard.computeIfAbsent(peer, p -> new AtomicLong());
        at.set(now);
    }

    /**
     * The peers among {@code peers} that have just become suspected at {@code now}. A peer seen for
     * the first time gets a full {@code suspectAfter} of grace from now.
     */
    List<NodeId> newlySuspected(Set<NodeId> peers, long now) {
        List<NodeId> fresh = new ArrayList<>();
        boolean wePaused = lastCheck != 0 && now - lastCheck > suspectAfterNanos / 2;
        lastCheck = now;
        if (wePaused) {
            for (NodeId peer : peers) lastHeard.computeIfAbsent(peer, p -> new AtomicLong()).set(now);
            return fresh;
        }
        for (NodeId peer : peers) {
            AtomicLong at = lastHeard.computeIfAbsent(peer, p -> new AtomicLong(now));
            boolean silent = now - at.get() >= suspectAfterNanos;
            if (!silent) {
                suspected.remove(peer);
            } else if (suspected.add(peer)) {
                fresh.add(peer);
            }
        }
        suspected.retainAll(peers);
        return fresh;
    }

    /**
     * Adds to {@code peers} every other host heard from within the suspicion threshold that it
     * lacks: a host that joined one of this host's groups after the groups were last scanned for
     * their members (it talks to us, so it is a peer, and it may lead a group here that goes quiet).
     * Maintenance activity only.
     *
     * @return whether it added any
     */
    boolean addRecentlyHeard(Set<NodeId> peers, NodeId self, long now) {
        boolean added = false;
        for (Map.Entry<NodeId, AtomicLong> e : lastHeard.entrySet()) {
            NodeId host = e.getKey();
            if (now - e.getValue().get() < suspectAfterNanos && !host.equals(self) && !peers.contains(host)) {
                peers.add(host);
                added = true;
            }
        }
        return added;
    }

    /** Whether {@code peer} is suspected now. Maintenance activity only. */
    boolean isSuspected(NodeId peer) {
        return suspected.contains(peer);
    }
}

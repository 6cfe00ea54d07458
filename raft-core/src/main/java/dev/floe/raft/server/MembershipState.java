package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.core.ConfigEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server knows of its membership from the moment it is built: the configuration in force
 * and its address book (written by the consensus thread, read from any thread), and the requests
 * waiting for the consensus thread. {@link Membership} acts on it once the server runs.
 */
final class MembershipState {
    private static final Logger LOG = LoggerFactory.getLogger(MembershipState.class);

    private final NodeId self;
    private final ClusterConfig bootstrap;
    private final ConcurrentLinkedQueue<MembershipRequest> queue = new ConcurrentLinkedQueue<>();
    private volatile MembershipBook book;
    private volatile ClusterConfig config;

    MembershipState(NodeId self, ClusterConfig bootstrap, MembershipBook book) {
        this.self = self;
        this.bootstrap = bootstrap;
        this.book = book;
        this.config = bootstrap;
    }

    NodeId self() {
        return self;
    }

    /** The members the server was built with, as the core's initial configuration. */
    ClusterConfig bootstrap() {
        return bootstrap;
    }

    /** The members in force and their client addresses. Any thread. */
    Map<NodeId, Endpoint> clients() {
        return book.clients();
    }

    /** The configuration in force. Any thread. */
    ClusterConfig config() {
        return config;
    }

    /** The address book in force. Any thread. */
    MembershipBook book() {
        return book;
    }

    /** Makes {@code cfg} with {@code addresses} the membership in force. Consensus thread (or before it starts). */
    void inForce(ClusterConfig cfg, MembershipBook addresses) {
        book = addresses;
        config = cfg;
    }

    /** Queues {@code request} for the consensus thread. Any thread; the caller checked the server runs. */
    void submit(MembershipRequest request) {
        queue.add(request);
    }

    /** The next request for the consensus thread, or null. */
    MembershipRequest poll() {
        return queue.poll();
    }

    /** Whether requests wait for the consensus thread. Any thread. */
    boolean hasQueued() {
        return !queue.isEmpty();
    }

    /** Fails requests not yet taken by the consensus thread. Any thread. */
    void failQueued(RuntimeException failure) {
        for (MembershipRequest r; (r = queue.poll()) != null; ) r.future().completeExceptionally(failure);
    }

    /**
     * The addresses that travelled in a snapshot the server restarts from or installs (the CONFIG
     * entries that carried them may be compacted away) join the book.
     */
    void restoreFromSnapshot(ConfigEntry snapshotConfig) {
        book = book.merge(decode(snapshotConfig), snapshotConfig.config());
    }

    /** The address book a CONFIG entry carries; an unreadable one adds nothing (with a warning). */
    MembershipBook decode(ConfigEntry ce) {
        try {
            return MembershipCodec.decode(ce.context());
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: configuration entry {} carries no readable address book ({}); keeping the known addresses", self, ce.index(), e.getMessage());
            return MembershipBook.EMPTY;
        }
    }
}

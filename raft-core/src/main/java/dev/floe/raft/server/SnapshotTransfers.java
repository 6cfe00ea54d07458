package dev.floe.raft.server;

import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotStore;
import dev.floe.raft.Transport;
import dev.floe.raft.message.SnapshotResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's outgoing snapshot transfers (Ready ordering contract, step 7): at most one
 * {@link SnapshotSender} per follower, each an activity of its own, started by the consensus thread and
 * reporting back to it through {@link Input.SnapshotSent}, which the consensus thread turns into
 * {@code RaftNode.reportSnapshot}. Acknowledgements from transport threads are routed here, never
 * through the consensus thread.
 */
final class SnapshotTransfers {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTransfers.class);

    private final NodeId self;
    private final Optional<SnapshotStore> store;
    private final Transport transport;
    private final SnapshotOptions options;
    private final Consumer<Input> consensus;
    private final EventReporter events;
    private final Map<NodeId, SnapshotSender> active = new ConcurrentHashMap<>();
    private final Scheduler scheduler;
    private final Clock clock;

    SnapshotTransfers(NodeId self, Optional<SnapshotStore> store, Transport transport, SnapshotOptions options,
                      Consumer<Input> consensus, Scheduler scheduler, Clock clock, EventReporter events) {
        this.scheduler = scheduler;
        this.clock = clock;
        this.self = self;
        this.store = store;
        this.transport = transport;
        this.options = options;
        this.consensus = consensus;
        this.events = events;
    }

    /**
     * Consensus thread: streams the latest snapshot to {@code peer} in {@code term}, unless a transfer
     * to it is running (its report is still to come). Without a stored snapshot, reports failure at once.
     */
    void start(NodeId peer, long term) {
        if (active.containsKey(peer)) return;
        Optional<SnapshotStore.Snapshot> latest;
        try {
            latest = store.isPresent() ? store.get().latest() : Optional.empty();
        } catch (IOException e) {
            LOG.warn("{} [term {}] cannot read its snapshot for {}: {}", self, term, peer, e.toString());
            latest = Optional.empty();
        }
        if (latest.isEmpty()) {
            LOG.warn("{} [term {}] has no snapshot to send to {}", self, term, peer);
            consensus.accept(new Input.SnapshotSent(peer, false));
            return;
        }
        SnapshotSender sender = new SnapshotSender(self, peer, term, latest.get(), transport, options, this::finished, clock, events);
        active.put(peer, sender);
        sender.start(scheduler);
    }

    private void finished(NodeId peer, boolean success) {
        active.remove(peer);
        consensus.accept(new Input.SnapshotSent(peer, success));
    }

    /** Transport thread: an acknowledgement for the transfer to its sender. */
    void onResponse(SnapshotResponse r) {
        SnapshotSender sender = active.get(r.from());
        if (sender != null) sender.onResponse(r);
    }

    /** Whether a transfer to {@code peer} is running. Any thread. */
    boolean sending(NodeId peer) {
        return active.containsKey(peer);
    }

    /** Stops every transfer (leadership lost, or closing); each reports failure. */
    void cancelAll() {
        for (SnapshotSender s : active.values()) s.cancel();
    }
}

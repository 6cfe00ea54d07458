package dev.floe.raft.transport.netty;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A transport that hands its server only the messages of the peers that server added: a node the
 * test made known to the transport underneath (a fuzzer) is seen and counted by that transport but
 * never reaches consensus.
 */
final class PeersOnlyTransport implements Transport {
    private final Transport inner;
    private final Set<NodeId> peers = ConcurrentHashMap.newKeySet();

    PeersOnlyTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public void start(NodeId self, Consumer<Message> inbound) throws java.io.IOException {
        inner.start(self, m -> {
            if (peers.contains(m.from())) inbound.accept(m);
        });
    }

    @Override
    public void send(Message message) {
        inner.send(message);
    }

    @Override
    public void addPeer(NodeId peer, Endpoint endpoint) {
        peers.add(peer);
        inner.addPeer(peer, endpoint);
    }

    @Override
    public void removePeer(NodeId peer) {
        peers.remove(peer);
        inner.removePeer(peer);
    }

    @Override
    public void close() {
        inner.close();
    }
}

package dev.floe.raft.testkit;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member's end of a {@link LocalNetwork}. {@link #send} routes on the caller's thread into the
 * receiver's bounded queue; a delivery thread per member hands received messages to the inbound
 * handler. Peers are found by id, so {@link #addPeer} only undoes {@link #removePeer}, after which
 * messages to that peer are dropped.
 */
final class LocalTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(LocalTransport.class);

    private final LocalNetwork network;
    private final NodeId id;
    private final LinkedBlockingQueue<Message> inbound = new LinkedBlockingQueue<>(LocalNetwork.INBOUND_QUEUE_CAPACITY);
    private final Set<NodeId> removed = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private Thread delivery;

    LocalTransport(LocalNetwork network, NodeId id) {
        this.network = network;
        this.id = id;
    }

    NodeId id() {
        return id;
    }

    @Override
    public synchronized void start(NodeId self, Consumer<Message> handler) {
        Objects.requireNonNull(handler, "handler");
        if (!self.equals(id)) throw new IllegalArgumentException("started as " + self + " but created for " + id);
        if (delivery != null) throw new IllegalStateException(id + " transport was already started");
        network.register(this);
        running = true;
        delivery = new Thread(() -> deliver(handler), "floe-" + id.value() + "-localnet");
        delivery.setDaemon(true);
        delivery.start();
    }

    private void deliver(Consumer<Message> handler) {
        try {
            while (running) {
                Message m = inbound.take();
                if (!running) break;
                try {
                    handler.accept(m);
                } catch (RuntimeException e) {
                    LOG.warn("{} inbound handler failed on {}", id, m, e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean enqueue(Message m) {
        return running && inbound.offer(m);
    }

    @Override
    public void send(Message message) {
        if (!running || removed.contains(message.to())) return;
        network.route(message);
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
        Thread t;
        synchronized (this) {
            if (!running) return;
            running = false;
            network.unregister(this);
            t = delivery;
        }
        t.interrupt();
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        inbound.clear();
    }
}

package dev.floe.raft.transport.netty;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.core.ProposeResult;
import dev.floe.raft.core.RaftNode;
import dev.floe.raft.core.RaftOptions;
import dev.floe.raft.core.Ready;
import dev.floe.raft.core.Role;
import dev.floe.raft.message.Message;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Raft member for tests: a {@link RaftNode} driven by a single thread (ticks, inbound messages,
 * proposals, Readies) over a {@link NettyTransport}, with an in-memory log. Only messages from
 * members of {@code config} reach the core, as a server would filter them.
 */
final class RaftHost implements AutoCloseable {
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    final NodeId id;
    final NettyTransport transport;
    final List<Entry> applied = new CopyOnWriteArrayList<>();
    private final ClusterConfig config;
    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final MemoryLogStorage log = new MemoryLogStorage();
    private final RaftNode node;
    private final Thread thread;
    private volatile Role role = Role.FOLLOWER;
    private volatile boolean running = true;

    RaftHost(NettyTransportConfig transportConfig, ClusterConfig config, long seed) throws Exception {
        this.id = transportConfig.self();
        this.config = config;
        RaftOptions options = RaftOptions.DEFAULTS.withElectionTicks(10, 1);
        this.node = RaftNode.create(options, id, config, HardState.INITIAL, log, 0, new Random(seed));
        this.transport = new NettyTransport(transportConfig);
        this.thread = new Thread(this::run, "raft-" + id);
        transport.start(id, m -> {
            if (config.contains(m.from())) tasks.add(() -> node.step(m));
        });
    }

    void start() {
        thread.start();
    }

    Endpoint endpoint() {
        return transport.localEndpoint();
    }

    boolean isLeader() {
        return role == Role.LEADER;
    }

    /** Proposes on the consensus thread; the result tells whether this node accepted it. */
    CompletableFuture<ProposeResult> propose(Bytes command) {
        CompletableFuture<ProposeResult> result = new CompletableFuture<>();
        tasks.add(() -> result.complete(node.propose(command)));
        return result;
    }

    /** The commands applied so far, in order, without the leaders' no-op entries. */
    List<Bytes> appliedCommands() {
        return applied.stream().filter(e -> e.type() == EntryType.COMMAND).map(Entry::data).toList();
    }

    private void run() {
        long nextTick = System.nanoTime() + TICK_NANOS;
        try {
            while (running) {
                long wait = nextTick - System.nanoTime();
                Runnable task = wait > 0 ? tasks.poll(wait, TimeUnit.NANOSECONDS) : null;
                if (task != null) task.run();
                for (Runnable more; (more = tasks.poll()) != null; ) more.run();
                if (System.nanoTime() >= nextTick) {
                    node.tick();
                    nextTick += TICK_NANOS;
                }
                handleReadies();
                role = node.role();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handleReadies() {
        while (node.hasReady()) {
            Ready ready = node.ready();
            ready.messages().forEach(this::sendOrLoop);
            if (!ready.entries().isEmpty()) log.append(ready.entries()).join();
            // The in-memory log is durable at once, so the rest may go out immediately.
            ready.messagesAfterPersist().forEach(this::sendOrLoop);
            ready.lastEntryToPersist().ifPresent(e -> node.persisted(e.index(), e.term()));
            applied.addAll(ready.committedEntries());
        }
    }

    private void sendOrLoop(Message m) {
        if (m.to().equals(id)) tasks.add(() -> node.step(m));
        else transport.send(m);
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
    }
}

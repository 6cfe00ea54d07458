package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.StateMachine;
import dev.floe.raft.core.ConfigEntry;
import java.io.IOException;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier activity (its own thread in production): the only one that calls the user's {@link StateMachine}. It applies
 * committed entries in log order, answers the commands this member proposed, and serves
 * linearizable queries once the applied index reaches their read index. A slow state machine only
 * grows this thread's queue; the consensus thread keeps heartbeating, and refuses new proposals
 * once {@link #backlog()} passes the configured bound.
 *
 * <p>It also takes snapshots (Raft paper §7): when {@link SnapshotOptions} says one is due, or on
 * request, it writes the state at its applied index — described by the term of the last applied
 * entry and the configuration of the last applied CONFIG entry, which is exactly the configuration
 * in force at that index — and then asks the consensus thread to compact the log. The consensus
 * thread keeps running meanwhile; only applying waits. It restores the state machine from a
 * snapshot the leader installed, in log order with the entries around it.
 *
 * <p>Futures are completed on this thread: a caller's dependent stage that is not {@code *Async}
 * runs here and delays applying, and one that blocks on another request of this server deadlocks.
 */
final class Applier implements Scheduler.Task {
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    private sealed interface Task {
    }

    private record Apply(List<Entry> entries) implements Task {
    }

    private record Query(long readIndex, PendingRead read) implements Task {
    }

    private record Stop() implements Task {
    }

    private record TakeSnapshot(CompletableFuture<Long> done) implements Task {
    }

    private record Install(SnapshotMeta meta) implements Task {
    }

    private record WaitingQuery(long readIndex, long seq, PendingRead read) {
    }

    private final NodeId id;
    private final StateMachine stateMachine;
    private final Proposals proposals;
    /** Called once if the state machine throws: the server must stop rather than diverge. */
    private final BiConsumer<String, Throwable> fatal;
    private final ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>();
    /** Set once the activity runs: every queued task wakes it. */
    private Scheduler.Activity activity;
    /** Entries handed over and not yet applied. */
    private final AtomicLong backlog = new AtomicLong();
    private final PriorityQueue<WaitingQuery> waiting = new PriorityQueue<>(
            (a, b) -> a.readIndex != b.readIndex ? Long.compare(a.readIndex, b.readIndex) : Long.compare(a.seq, b.seq));
    private long querySeq;
    private volatile long appliedIndex;
    /** The term of the entry at appliedIndex (or of the snapshot that ends there). */
    private long appliedTerm;
    /** The configuration in force at appliedIndex: the last applied CONFIG entry's (thesis §4.1). */
    private ClusterConfig appliedConfig;
    /** The context of that configuration's entry (the members' addresses), kept in snapshots. */
    private Bytes appliedConfigContext;
    private final LocalSnapshots snapshots;
    /** Exactly-once sessions (thesis §6.3): replicated state, saved in snapshots before the user's state. */
    private final SessionTable sessions;
    /** Asks the consensus thread to compact the log up to a snapshot's index, then complete the future. */
    private final BiConsumer<Long, CompletableFuture<Long>> compact;

    Applier(NodeId id, StateMachine stateMachine, Proposals proposals, SnapshotMeta applied, Bytes configContext,
            LocalSnapshots snapshots, SessionTable sessions, BiConsumer<Long, CompletableFuture<Long>> compact,
            BiConsumer<String, Throwable> fatal) {
        this.sessions = sessions;
        this.id = id;
        this.stateMachine = stateMachine;
        this.proposals = proposals;
        this.appliedIndex = applied.lastIndex();
        this.appliedTerm = applied.lastTerm();
        this.appliedConfig = applied.config();
        this.appliedConfigContext = configContext;
        this.snapshots = snapshots;
        this.compact = compact;
        this.fatal = fatal;
    }

    /** Consensus thread: queues committed entries, in log order. */
    void apply(List<Entry> entries) {
        backlog.addAndGet(entries.size());
        enqueue(new Apply(entries));
    }

    /** Consensus thread: serve {@code read} once {@code readIndex} is applied. */
    void query(long readIndex, PendingRead read) {
        enqueue(new Query(readIndex, read));
    }

    /** Consensus thread: restore the state machine from the stored snapshot {@code meta}, after the entries queued before. */
    void install(SnapshotMeta meta) {
        enqueue(new Install(meta));
    }

    /** Any thread: take a snapshot at the applied index once the entries queued before are applied. */
    CompletableFuture<Long> snapshotNow() {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (!snapshots.enabled()) {
            done.completeExceptionally(new IllegalStateException(id + " was built without a snapshot store"));
        } else {
            enqueue(new TakeSnapshot(done));
        }
        return done;
    }

    /** Asks the thread to stop after the task at hand; queued work is dropped (a restart re-applies). */
    void stop() {
        enqueue(new Stop());
    }

    /** Starts the applier's activity; before anything is queued. */
    Scheduler.Activity start(Scheduler scheduler, String name) {
        activity = scheduler.start(name, this);
        return activity;
    }

    private void enqueue(Task task) {
        tasks.add(task);
        activity.wake();
    }

    /** The highest index applied to the state machine. Any thread. */
    long appliedIndex() {
        return appliedIndex;
    }

    /** Committed entries waiting for the state machine. Any thread. */
    long backlog() {
        return backlog.get();
    }

    /** Runs the queued tasks in order; {@link Scheduler#DONE} after a stop or a failure. */
    @Override
    public long run() {
        try {
            for (Task task; (task = tasks.poll()) != null; ) {
                if (task instanceof Stop) {
                    failWaiting();
                    return Scheduler.DONE;
                }
                if (task instanceof Apply a) {
                    applyAll(a.entries());
                } else if (task instanceof Query q) {
                    waiting.add(new WaitingQuery(q.readIndex(), querySeq++, q.read()));
                } else if (task instanceof TakeSnapshot t) {
                    takeSnapshot(t.done());
                } else if (task instanceof Install i) {
                    restore(i.meta());
                }
                serveQueries();
            }
            return Scheduler.IDLE;
        } catch (RuntimeException | Error e) {
            fatal.accept("the state machine failed at index " + (appliedIndex + 1), e);
            failWaiting();
            return Scheduler.DONE;
        }
    }

    private void failWaiting() {
        ServerClosedException closed = new ServerClosedException("server " + id + " closed before the query was served");
        for (WaitingQuery q : waiting) q.read().future.completeExceptionally(closed);
        waiting.clear();
    }

    private void applyAll(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.index() != appliedIndex + 1) {
                // Committed entries come in order, once each; a gap or repeat means the core is broken.
                throw new IllegalStateException("entry " + e.index() + " handed out to apply after " + appliedIndex);
            }
            Bytes result = Bytes.EMPTY;
            RuntimeException refused = null;
            if (e.type() == EntryType.COMMAND) {
                SessionEnvelope command = SessionEnvelope.decode(e.index(), e.data());
                if (command instanceof SessionEnvelope.Plain p) {
                    result = stateMachine.apply(e.index(), p.command());
                } else if (command instanceof SessionEnvelope.Session s) {
                    SessionTable.Outcome outcome = sessions.apply(s.clientId(), s.sequence(), s.lowestOutstanding(), s.leaderMillis(),
                            () -> stateMachine.apply(e.index(), s.command()));
                    if (outcome instanceof SessionTable.Outcome.Applied a) result = a.response();
                    if (outcome instanceof SessionTable.Outcome.Duplicate d) result = d.response();
                    if (outcome instanceof SessionTable.Outcome.Refused r) refused = r.reason();
                }
            }
            if (e.type() == EntryType.CONFIG) {
                ConfigEntry config = ConfigEntry.decode(e.index(), e.data());
                appliedConfig = config.config();
                appliedConfigContext = config.context();
            }
            appliedIndex = e.index();
            appliedTerm = e.term();
            backlog.decrementAndGet();
            if (refused == null) {
                proposals.applied(e, result);
            } else {
                proposals.refused(e, refused);
            }
            if (snapshots.countApplied(e.sizeBytes())) takeSnapshot(new CompletableFuture<>());
        }
        LOG.trace("{} applied up to {}", id, appliedIndex);
    }

    /** Snapshots the state at the applied index, then has the consensus thread compact the log. */
    private void takeSnapshot(CompletableFuture<Long> done) {
        if (appliedIndex == snapshots.lastIndex() || appliedIndex == 0) {
            done.complete(snapshots.lastIndex()); // nothing new to capture
            return;
        }
        SnapshotMeta meta = new SnapshotMeta(appliedIndex, appliedTerm, appliedConfig);
        try {
            snapshots.take(meta, new ServerSnapshot.ServerState(sessions.encode(), appliedConfigContext), stateMachine);
        } catch (IOException | RuntimeException e) {
            // The previous snapshot and the whole log stand: nothing is lost, compaction just waits.
            LOG.error("{} could not take snapshot {}: {}", id, meta, e.toString(), e);
            done.completeExceptionally(e);
            return;
        }
        compact.accept(meta.lastIndex(), done); // completes done once the log is compacted
    }

    /** The leader's snapshot replaces the state machine (paper §7); the entries after it follow. */
    private void restore(SnapshotMeta meta) {
        if (meta.lastIndex() <= appliedIndex) {
            throw new IllegalStateException("snapshot " + meta + " installed at or below applied index " + appliedIndex);
        }
        try {
            ServerSnapshot.ServerState state = snapshots.restore(meta, stateMachine);
            sessions.restore(state.sessions());
            appliedConfigContext = state.configContext();
        } catch (IOException e) {
            // The log was already reset to the snapshot: without its state this replica cannot continue.
            throw new IllegalStateException(id + " cannot restore the installed snapshot " + meta, e);
        }
        appliedIndex = meta.lastIndex();
        appliedTerm = meta.lastTerm();
        appliedConfig = meta.config();
    }

    private void serveQueries() {
        while (!waiting.isEmpty() && waiting.peek().readIndex() <= appliedIndex) {
            PendingRead read = waiting.poll().read();
            if (read.isDone()) continue; // timed out meanwhile
            try {
                read.future.complete(stateMachine.read(read.query));
            } catch (RuntimeException e) {
                // A failing query is the caller's problem, not the replicas': state did not change.
                read.future.completeExceptionally(e);
            }
        }
    }
}

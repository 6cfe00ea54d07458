package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.EntryType;
import dev.floe.raft.NodeId;
import dev.floe.raft.ServerClosedException;
import dev.floe.raft.StateMachine;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The applier thread: the only thread that calls the user's {@link StateMachine}. It applies
 * committed entries in log order, answers the commands this member proposed, and serves
 * linearizable queries once the applied index reaches their read index. A slow state machine only
 * grows this thread's queue; the consensus thread keeps heartbeating, and refuses new proposals
 * once {@link #backlog()} passes the configured bound.
 *
 * <p>Futures are completed on this thread: a caller's dependent stage that is not {@code *Async}
 * runs here and delays applying, and one that blocks on another request of this server deadlocks.
 */
final class Applier implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    private sealed interface Task {
    }

    private record Apply(List<Entry> entries) implements Task {
    }

    private record Query(long readIndex, PendingRead read) implements Task {
    }

    private record Stop() implements Task {
    }

    private record WaitingQuery(long readIndex, long seq, PendingRead read) {
    }

    private final NodeId id;
    private final StateMachine stateMachine;
    private final Proposals proposals;
    /** Called once if the state machine throws: the server must stop rather than diverge. */
    private final BiConsumer<String, Throwable> fatal;
    private final LinkedBlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    /** Entries handed over and not yet applied. */
    private final AtomicLong backlog = new AtomicLong();
    private final PriorityQueue<WaitingQuery> waiting = new PriorityQueue<>(
            (a, b) -> a.readIndex != b.readIndex ? Long.compare(a.readIndex, b.readIndex) : Long.compare(a.seq, b.seq));
    private long querySeq;
    private volatile long appliedIndex;

    Applier(NodeId id, StateMachine stateMachine, Proposals proposals, long appliedIndex,
            BiConsumer<String, Throwable> fatal) {
        this.id = id;
        this.stateMachine = stateMachine;
        this.proposals = proposals;
        this.appliedIndex = appliedIndex;
        this.fatal = fatal;
    }

    /** Consensus thread: queues committed entries, in log order. */
    void apply(List<Entry> entries) {
        backlog.addAndGet(entries.size());
        tasks.add(new Apply(entries));
    }

    /** Consensus thread: serve {@code read} once {@code readIndex} is applied. */
    void query(long readIndex, PendingRead read) {
        tasks.add(new Query(readIndex, read));
    }

    /** Asks the thread to stop after the task at hand; queued work is dropped (a restart re-applies). */
    void stop() {
        tasks.add(new Stop());
    }

    /** The highest index applied to the state machine. Any thread. */
    long appliedIndex() {
        return appliedIndex;
    }

    /** Committed entries waiting for the state machine. Any thread. */
    long backlog() {
        return backlog.get();
    }

    @Override
    public void run() {
        try {
            while (true) {
                Task task = tasks.take();
                if (task instanceof Stop) break;
                if (task instanceof Apply a) {
                    applyAll(a.entries());
                } else if (task instanceof Query q) {
                    waiting.add(new WaitingQuery(q.readIndex(), querySeq++, q.read()));
                }
                serveQueries();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fatal.accept("the state machine failed at index " + (appliedIndex + 1), e);
        } finally {
            ServerClosedException closed = new ServerClosedException("server " + id + " closed before the query was served");
            for (WaitingQuery q : waiting) q.read().future.completeExceptionally(closed);
            waiting.clear();
        }
    }

    private void applyAll(List<Entry> entries) {
        for (Entry e : entries) {
            if (e.index() != appliedIndex + 1) {
                // Committed entries come in order, once each; a gap or repeat means the core is broken.
                throw new IllegalStateException("entry " + e.index() + " handed out to apply after " + appliedIndex);
            }
            Bytes result = e.type() == EntryType.COMMAND ? stateMachine.apply(e.index(), e.data()) : Bytes.EMPTY;
            appliedIndex = e.index();
            backlog.decrementAndGet();
            proposals.applied(e, result);
        }
        LOG.trace("{} applied up to {}", id, appliedIndex);
    }

    private void serveQueries() {
        while (!waiting.isEmpty() && waiting.peek().readIndex() <= appliedIndex) {
            PendingRead read = waiting.poll().read();
            if (read.isDone()) continue; // timed out meanwhile
            try {
                read.future.complete(stateMachine.query(read.query));
            } catch (RuntimeException e) {
                // A failing query is the caller's problem, not the replicas': state did not change.
                read.future.completeExceptionally(e);
            }
        }
    }
}

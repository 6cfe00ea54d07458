package dev.floe.raft.server;

import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.HardStateStore;
import dev.floe.raft.LogStorage;
import dev.floe.raft.NodeId;
import dev.floe.raft.SnapshotMeta;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persist thread: makes each Ready's hard state and entries durable, in Ready order, and only
 * then releases what waited for them (the ordering contract on {@code dev.floe.raft.core.Ready}).
 *
 * <p>For each job it saves the hard state (a synchronous, durable write — the reason this runs off
 * the consensus thread), then hands the entries to {@link LogStorage#append}, which returns at once
 * and completes its future when the entries are durable. It does not wait for that future before
 * taking the next job, so consecutive Readies share one group commit. Each job's completion is
 * chained after the previous one's, so the after-persist messages (vote grants, append
 * acknowledgements) and the {@code persisted} notifications go out in Ready order, and never before
 * every earlier write is durable. They run on the storage's completion thread: sending and queueing
 * never block.
 */
final class PersistPipeline implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(PersistPipeline.class);

    /**
     * One Ready's share of work: what to write, and what to release once it is durable.
     *
     * @param resetTo a snapshot the core installed: the log restarts after it (LogStorage#reset)
     *                before this job's entries are appended (Ready ordering contract, step 0)
     */
    record Job(Optional<SnapshotMeta> resetTo, Optional<HardState> hardState, List<Entry> entries,
               List<Message> messagesAfterPersist) {
        Job(Optional<HardState> hardState, List<Entry> entries, List<Message> messagesAfterPersist) {
            this(Optional.empty(), hardState, entries, messagesAfterPersist);
        }
    }

    private static final Job STOP = new Job(Optional.empty(), List.of(), List.of());

    private final NodeId id;
    private final HardStateStore hardStateStore;
    private final LogStorage log;
    private final Transport transport;
    /** Posts "durable up to (index, term)" back to the consensus thread. */
    private final Consumer<Input> consensus;
    private final BiConsumer<String, Throwable> fatal;
    private final LinkedBlockingQueue<Job> jobs = new LinkedBlockingQueue<>();
    /** Completes when every job taken so far is durable and released. Persist thread only. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private final long drainTimeoutMillis;
    /** Hard states submitted (consensus thread only) and saved durably (written by the persist thread). */
    private long hardStatesSubmitted;
    private final AtomicLong hardStatesSaved = new AtomicLong();

    PersistPipeline(NodeId id, HardStateStore hardStateStore, LogStorage log, Transport transport,
                    Consumer<Input> consensus, BiConsumer<String, Throwable> fatal, long drainTimeoutMillis) {
        this.id = id;
        this.hardStateStore = hardStateStore;
        this.log = log;
        this.transport = transport;
        this.consensus = consensus;
        this.fatal = fatal;
        this.drainTimeoutMillis = drainTimeoutMillis;
    }

    /** Consensus thread: queues one Ready's writes. */
    void submit(Job job) {
        if (job.hardState().isPresent()) hardStatesSubmitted++;
        jobs.add(job);
    }

    /**
     * Consensus thread: whether a hard state submitted earlier is not durable yet. While one is in
     * flight, even a Ready's {@code messages()} wait for it (Ready ordering contract, step 1): no
     * message may carry a term this node could forget in a crash.
     */
    boolean hardStatePending() {
        return hardStatesSaved.get() < hardStatesSubmitted;
    }

    /** Asks the thread to finish the queued jobs, wait (bounded) for them to be durable, and exit. */
    void stop() {
        jobs.add(STOP);
    }

    @Override
    public void run() {
        try {
            while (true) {
                Job job = jobs.take();
                if (job == STOP) break;
                write(job);
            }
            tail.get(drainTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} closing with log writes still not durable after {} ms", id, drainTimeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            fatal.accept("the log or hard state could not be made durable", e);
        }
    }

    private void write(Job job) throws Exception {
        if (job.resetTo().isPresent()) {
            // Durable when it returns; the snapshot it stands on was committed to the store before
            // the core saw it, so a crash in between restarts from that snapshot.
            SnapshotMeta meta = job.resetTo().get();
            log.reset(meta.lastIndex(), meta.lastTerm());
            LOG.info("{} reset its log to snapshot {}", id, meta);
        }
        if (job.hardState().isPresent()) {
            hardStateStore.save(job.hardState().get());
            hardStatesSaved.incrementAndGet();
        }
        CompletableFuture<Void> durable = tail;
        if (!job.entries().isEmpty()) {
            // Appends complete in call order (LogStorage contract); combining with the tail also
            // keeps the order if an implementation completes a later, smaller append first.
            durable = tail.thenCombine(log.append(job.entries()), (a, b) -> null);
        }
        Optional<Entry> last = job.entries().isEmpty() ? Optional.empty() : Optional.of(job.entries().get(job.entries().size() - 1));
        tail = durable.thenRun(() -> release(job, last));
        tail.exceptionally(e -> {
            fatal.accept("the log could not be made durable", e);
            return null;
        });
    }

    private void release(Job job, Optional<Entry> last) {
        for (Message m : job.messagesAfterPersist()) {
            try {
                transport.send(m);
            } catch (RuntimeException e) {
                LOG.warn("{} transport refused {}: {}", id, m, e.toString());
            }
        }
        last.ifPresent(e -> consensus.accept(new Input.Persisted(e.index(), e.term())));
    }
}

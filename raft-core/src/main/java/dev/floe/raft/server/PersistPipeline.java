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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persist activity (its own thread in production): makes each Ready's hard state and entries durable, in Ready order, and only
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
 *
 * <p>A job that only extends the log (entries, no hard state, no snapshot reset, no overwritten
 * suffix) and finds nothing queued before it is written by the consensus thread itself: {@link LogStorage#append} returns at once (its
 * contract), so handing it to this activity would only add a thread wake-up to the critical path
 * of every write, on the leader and again on each follower. A job behind a queued one still goes
 * through the queue, so the appends stay in Ready order.
 */
final class PersistPipeline implements Scheduler.Task {
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

    private final NodeId id;
    private final HardStateStore hardStateStore;
    private final LogStorage log;
    private final Transport transport;
    /** Posts "durable up to (index, term)" back to the consensus thread. */
    private final Consumer<Input> consensus;
    private final BiConsumer<String, Throwable> fatal;
    private final ConcurrentLinkedQueue<Job> jobs = new ConcurrentLinkedQueue<>();
    /** Jobs queued for the activity and not yet written: while any is, new jobs queue behind them. */
    private final AtomicInteger queued = new AtomicInteger();
    /**
     * Completes when every job written so far is durable and released. Written by whichever thread
     * writes a job: the persist activity, or the consensus thread while {@link #queued} is zero.
     */
    private volatile CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    private final Clock clock;
    private final long drainTimeoutNanos;
    /** Set once the activity runs: {@link #submit} wakes it. */
    private Scheduler.Activity activity;
    private volatile boolean stopping;
    /** Clock time after which a stopping pipeline stops waiting for writes in flight; persist activity only. */
    private long drainDeadline;
    private boolean draining;
    private volatile boolean failed;
    /** Hard states submitted (consensus thread only) and saved durably (written by the persist activity). */
    private long hardStatesSubmitted;
    private final AtomicLong hardStatesSaved = new AtomicLong();

    PersistPipeline(NodeId id, HardStateStore hardStateStore, LogStorage log, Transport transport,
                    Consumer<Input> consensus, BiConsumer<String, Throwable> fatal, long drainTimeoutMillis, Clock clock) {
        this.id = id;
        this.hardStateStore = hardStateStore;
        this.log = log;
        this.transport = transport;
        this.consensus = consensus;
        this.fatal = fatal;
        this.drainTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(drainTimeoutMillis);
        this.clock = clock;
    }

    /** Starts the pipeline's activity; before any {@link #submit}. */
    Scheduler.Activity start(Scheduler scheduler, String name) {
        activity = scheduler.start(name, this);
        return activity;
    }

    /** Consensus thread: writes one Ready's entries at once if nothing is queued before them, else queues the job. */
    void submit(Job job) {
        if (job.hardState().isPresent()) hardStatesSubmitted++;
        if (job.hardState().isEmpty() && job.resetTo().isEmpty() && queued.get() == 0 && extendsLog(job.entries())) {
            // The activity has written every job it took (its decrement follows its write of tail).
            if (failed) return;
            try {
                write(job);
            } catch (Exception | Error e) {
                failed = true;
                fatal.accept("the log could not take an append", e);
            }
            return;
        }
        queued.incrementAndGet();
        jobs.add(job);
        activity.wake();
    }

    /**
     * Whether {@code entries} only extend the log (or are none). An append that overwrites a suffix (a follower
     * replacing entries of a deposed leader, Raft paper §5.3) makes a storage cut its files first,
     * durably: that waits for the disk, so it is left to the activity. Called while nothing is
     * queued, so no append of the activity runs meanwhile.
     */
    private boolean extendsLog(List<Entry> entries) {
        return entries.isEmpty() || entries.get(0).index() > log.lastIndex();
    }

    /**
     * Consensus thread: whether a hard state submitted earlier is not durable yet. While one is in
     * flight, even a Ready's {@code messages()} wait for it (Ready ordering contract, step 1): no
     * message may carry a term this node could forget in a crash.
     */
    boolean hardStatePending() {
        return hardStatesSaved.get() < hardStatesSubmitted;
    }

    /** Asks the activity to finish the queued jobs, wait (bounded) for them to be durable, and finish. */
    void stop() {
        stopping = true;
        activity.wake();
    }

    /** Writes the queued jobs; once stopping, waits (polling, bounded) for the writes in flight. */
    @Override
    public long run() {
        if (failed) return Scheduler.DONE;
        boolean stop = stopping; // read first: jobs queued before stop() are still written
        try {
            for (Job job; (job = jobs.poll()) != null; ) {
                write(job);
                queued.decrementAndGet();
            }
        } catch (Exception | Error e) {
            failed = true;
            fatal.accept("the log or hard state could not be made durable", e);
            return Scheduler.DONE;
        }
        if (!stop) return Scheduler.IDLE;
        long now = clock.nanoTime();
        if (!draining) {
            draining = true;
            drainDeadline = now + drainTimeoutNanos;
        }
        if (tail.isDone()) return Scheduler.DONE;
        if (now - drainDeadline >= 0) {
            LOG.warn("{} closing with log writes still not durable after {} ms", id, drainTimeoutNanos / 1_000_000);
            return Scheduler.DONE;
        }
        return now + Math.min(TimeUnit.MILLISECONDS.toNanos(1), drainDeadline - now);
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

package dev.floe.raft.storage.internal;

import dev.floe.raft.Entry;
import dev.floe.raft.storage.SyncPolicy;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-commit writer: one thread that takes everything queued since its last round, encodes it
 * into one buffer, writes it with one positional write and forces it with one {@code fdatasync},
 * then completes the futures in submission order. While it syncs, new appends queue up and ride
 * the next round together, so the number of syncs adapts to the load.
 *
 * <p>A round is split into writes of at most {@code maxWriteBytes} (each forced before the next is
 * written) so that a crash can only tear the last {@code maxWriteBytes} of the open segment, or one
 * record larger than that; recovery relies on this bound to tell a torn tail from corruption.
 *
 * <p>The writer only writes where the log planned: structural changes (roll, truncation, reset)
 * happen on the consensus thread after {@link #awaitIdle()}, never concurrently with a write.
 *
 * <p>Shared mode (many groups' logs on one host, {@link SharedWriter}): the writer has no thread of
 * its own; a shared thread runs its rounds together with other writers' rounds. Each writer's round
 * writes its chunks as above, except that the force of its last chunk is deferred until every
 * writer of the shared round has written; then the shared round's forces (one per file: fsync is
 * per file) are issued together, from the shared writer's force threads, and {@link #syncRound()}
 * and {@link #endRound()} run on the thread that forces this writer's file. Per writer, everything
 * else is unchanged: submission order, the torn-tail bound (only the last, unforced chunk of a log
 * can tear), failures.
 */
public final class AppendWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AppendWriter.class);

    /**
     * Entries to write at {@code position} of {@code segment}; {@code future} completes once durable.
     * {@code before}, if not null, runs on the writer thread once every earlier request is written
     * and forced, and before these entries are written (the log's deferred segment roll).
     */
    public record Request(Segment segment, long position, List<Entry> entries, CompletableFuture<Void> future, Step before) {
        public Request(Segment segment, long position, List<Entry> entries, CompletableFuture<Void> future) {
            this(segment, position, entries, future, null);
        }
    }

    /** File work the writer does in line with the writes. */
    public interface Step {
        void run() throws IOException;
    }

    /** Told, on the writer thread, the last index whose record is now in the file. */
    public interface Progress {
        void written(long lastIndex);
    }

    private final SyncPolicy syncPolicy;
    private final int maxWriteBytes;
    private final Progress progress;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<Request> queue = new ArrayDeque<>();
    /** The writer's own thread, or null in shared mode. */
    private final Thread thread;
    /** The shared threads that run this writer's rounds, or null when it has a thread of its own. */
    private final SharedWriter shared;
    /** Shared mode: queued with {@link #shared} for a round (under the lock). */
    private boolean scheduled;
    // Shared mode: the round in progress (its shared thread only).
    private List<Request> roundBatch;
    private IOException roundError;
    // Shared mode: the last chunk of the round, written and not yet forced.
    private Segment deferredSegment;
    private long deferredLastIndex;
    private final CRC32C crc = new CRC32C();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();
    private final AtomicLong syncNanos = new AtomicLong();
    // Requests ever submitted (written under the lock, read by the spinning writer without it) and taken.
    private volatile long submitted;
    private long taken;
    private ByteBuffer buffer;
    private boolean busy;
    private boolean stopping;
    private IOException failure;

    public AppendWriter(String name, SyncPolicy syncPolicy, int maxWriteBytes, Progress progress) {
        this.syncPolicy = syncPolicy;
        this.maxWriteBytes = maxWriteBytes;
        this.progress = progress;
        this.buffer = ByteBuffer.allocateDirect(Math.min(maxWriteBytes, 64 * 1024));
        this.shared = null;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A writer whose rounds run on {@code shared}'s threads. */
    public AppendWriter(SharedWriter shared, SyncPolicy syncPolicy, int maxWriteBytes, Progress progress) {
        this.syncPolicy = syncPolicy;
        this.maxWriteBytes = maxWriteBytes;
        this.progress = progress;
        this.buffer = ByteBuffer.allocateDirect(Math.min(maxWriteBytes, 64 * 1024));
        this.shared = shared;
        this.thread = null;
    }

    /** Queues a write; if the writer has failed, fails the future at once. */
    public void submit(Request request) {
        lock.lock();
        try {
            if (failure != null) {
                request.future().completeExceptionally(new IOException("the log failed earlier and refuses appends", failure));
                return;
            }
            if (stopping) throw new IllegalStateException("the log is closed");
            if (queue.isEmpty()) firstQueuedNanos = System.nanoTime();
            queue.add(request);
            submitted++;
            if (shared == null) {
                work.signal();
            } else if (!scheduled && !busy) {
                scheduled = true;
                shared.ready(this);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until everything submitted is written (and forced) and its future completed. */
    public void awaitIdle() throws IOException {
        lock.lock();
        try {
            while ((busy || !queue.isEmpty()) && failure == null) idle.await();
            if (failure != null) throw new IOException("the log failed earlier and refuses changes", failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the log writer");
        } finally {
            lock.unlock();
        }
    }

    /** Marks the log failed (a structural change broke halfway): later appends fail at once. */
    public void fail(IOException cause) {
        lock.lock();
        try {
            if (failure == null) failure = cause;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean failed() {
        lock.lock();
        try {
            return failure != null;
        } finally {
            lock.unlock();
        }
    }

    /** Finishes the queued writes, then stops the thread (in shared mode: waits for them). */
    public void shutdown() throws InterruptedIOException {
        lock.lock();
        try {
            stopping = true;
            work.signalAll();
            if (shared != null) {
                while ((busy || scheduled || !queue.isEmpty()) && failure == null) idle.await();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the log writer");
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while stopping the log writer");
        }
    }

    public long writes() {
        return writes.get();
    }

    public long syncs() {
        return syncs.get();
    }

    public long bytesWritten() {
        return bytes.get();
    }

    /** Entries written (the writes' batch sizes add up to this). */
    public long entriesWritten() {
        return entries.get();
    }

    /** Time spent forcing writes to disk, in nanoseconds. */
    public long syncNanos() {
        return syncNanos.get();
    }

    private void run() {
        ArrayList<Request> batch = new ArrayList<>();
        while (true) {
            long waitStarted = System.nanoTime();
            boolean queued = submitted != taken;
            if (!queued) spinForWork(waitStarted);
            IOException earlier;
            lock.lock();
            try {
                while (queue.isEmpty() && !stopping) work.awaitUninterruptibly();
                // When the work came, not when this thread got to run: a parked writer's own wake-up is no gap.
                lastWaitNanos = queued ? 0 : firstQueuedNanos - waitStarted;
                if (queue.isEmpty()) return;
                batch.addAll(queue);
                taken += queue.size();
                queue.clear();
                busy = true;
                earlier = failure;
            } finally {
                lock.unlock();
            }
            IOException error = earlier;
            completedInRound = 0;
            if (error == null) {
                try {
                    writeBatch(batch, false);
                } catch (IOException | RuntimeException e) {
                    error = failed(e);
                }
            }
            finish(batch, error);
            batch.clear();
        }
    }

    private IOException failed(Exception e) {
        LOG.error("log write failed; the log refuses further appends", e);
        return e instanceof IOException io ? io : new IOException("log writer failed", e);
    }

    // ------------------------------------------------------------------ shared rounds (SharedWriter's threads)

    /** Takes the queued requests and writes them, deferring the last force; false if nothing was queued. */
    boolean beginRound() {
        lock.lock();
        try {
            scheduled = false;
            if (queue.isEmpty()) {
                idle.signalAll();
                return false;
            }
            roundBatch = new ArrayList<>(queue);
            taken += queue.size();
            queue.clear();
            busy = true;
            roundError = failure;
        } finally {
            lock.unlock();
        }
        completedInRound = 0;
        if (roundError == null) {
            try {
                writeBatch(roundBatch, true);
            } catch (IOException | RuntimeException e) {
                roundError = failed(e);
            }
        }
        return true;
    }

    /** Forces the round's last chunk and completes its requests. */
    void syncRound() {
        if (roundError != null || deferredSegment == null) return;
        try {
            force(deferredSegment);
            progress.written(deferredLastIndex);
            while (completedInRound < roundBatch.size()) roundBatch.get(completedInRound++).future().complete(null);
        } catch (IOException | RuntimeException e) {
            roundError = failed(e);
        } finally {
            deferredSegment = null;
        }
    }

    /** Ends the round: fails what a failure left, and queues the writer again if more arrived meanwhile. */
    void endRound() {
        List<Request> batch = roundBatch;
        roundBatch = null;
        finish(batch, roundError);
        roundError = null;
        lock.lock();
        try {
            if (!queue.isEmpty() && !scheduled) {
                scheduled = true;
                shared.ready(this);
            }
        } finally {
            lock.unlock();
        }
    }

    /** After a round's writes: on failure fails every request not completed; then the writer is idle. */
    private void finish(List<Request> batch, IOException error) {
        int completed = completedInRound;
        lock.lock();
        try {
            if (error != null && failure == null) failure = error;
            if (failure != null) {
                for (int i = completed; i < batch.size(); i++) {
                    batch.get(i).future().completeExceptionally(new IOException("append not durable", failure));
                }
                for (Request r : queue) r.future().completeExceptionally(new IOException("append not durable", failure));
                queue.clear();
            }
            busy = false;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /*
     * A caller that waits for each append's future submits the next one right after the previous
     * completes. Parking and unparking the writer would add a thread wake-up to every fsync, which
     * costs a fifth of a fast disk's fsync rate; spinning briefly catches that next append instead.
     * But only when work is about to arrive: in a Raft cluster at low load the next append comes a
     * network round trip and several hand-offs later, far beyond the window, and a writer spinning
     * after every round burns CPU that the threads on the critical path need (round 1: 44 % of all
     * samples at one request in flight; three writers shared two CPUs). So the writer spins only
     * while its last work came within the window after it began to wait, and otherwise parks at
     * once; work that comes that soon again, though the writer was parked, turns spinning back on.
     */
    private void spinForWork(long started) {
        if (lastWaitNanos >= SPIN_NANOS) return;
        long deadline = started + SPIN_NANOS;
        while (submitted == taken && System.nanoTime() < deadline) Thread.onSpinWait();
    }

    private static final long SPIN_NANOS = 50_000;
    /** How long after the writer began to wait its last work came, 0 when work was already queued; writer thread only. */
    private long lastWaitNanos;
    /** When the first request of the next round was queued (guarded by the lock). */
    private long firstQueuedNanos;

    // Requests of the current round whose futures are already completed; read after a failure.
    private int completedInRound;
    private Segment segment;
    private long chunkPosition;
    private long chunkLastIndex;
    private long chunkEntries;

    /**
     * Writes the round; returns how many requests were completed (all of them, unless
     * {@code deferLastForce}: then the last chunk is written but neither forced nor its requests
     * completed, which {@link #syncRound()} does).
     */
    private int writeBatch(List<Request> batch, boolean deferLastForce) throws IOException {
        completedInRound = 0;
        segment = null;
        buffer.clear();
        for (int r = 0; r < batch.size(); r++) {
            Request request = batch.get(r);
            // Requests are contiguous within a round; anything else starts a new write.
            if (request.before() != null || segment != request.segment() || chunkPosition + buffer.position() != request.position()) {
                flush(batch, r);
                if (request.before() != null) request.before().run();
                segment = request.segment();
                chunkPosition = request.position();
            }
            for (Entry entry : request.entries()) {
                int size = RecordFormat.size(entry);
                if (buffer.position() > 0 && buffer.position() + size > maxWriteBytes) flush(batch, r);
                if (buffer.remaining() < size) growBuffer(size);
                RecordFormat.encode(entry, buffer, crc);
                chunkLastIndex = entry.index();
                chunkEntries++;
            }
        }
        if (deferLastForce && buffer.position() > 0) {
            writeChunk();
            deferredSegment = segment;
            deferredLastIndex = chunkLastIndex;
            return completedInRound;
        }
        flush(batch, batch.size());
        return completedInRound;
    }

    // Writes and forces the buffer, then completes requests [completedInRound, encodedRequests).
    private void flush(List<Request> batch, int encodedRequests) throws IOException {
        if (buffer.position() > 0) {
            writeChunk();
            force(segment);
            progress.written(chunkLastIndex);
        }
        while (completedInRound < encodedRequests) {
            batch.get(completedInRound++).future().complete(null);
        }
    }

    /** Writes the buffer at the chunk's position, without forcing it. */
    private void writeChunk() throws IOException {
        int length = buffer.position();
        buffer.flip();
        FileOps.writeFully(segment.channel, buffer, chunkPosition);
        writes.incrementAndGet();
        bytes.addAndGet(length);
        entries.addAndGet(chunkEntries);
        if (shared != null) shared.wrote(chunkEntries);
        chunkEntries = 0;
        chunkPosition += length;
        buffer.clear();
    }

    private void force(Segment written) throws IOException {
        if (syncPolicy != SyncPolicy.FSYNC) return;
        long started = System.nanoTime();
        written.channel.force(false);
        long took = System.nanoTime() - started;
        syncNanos.addAndGet(took);
        syncs.incrementAndGet();
        if (shared != null) shared.forced(took);
    }

    private void growBuffer(int needed) {
        int capacity = Math.max(buffer.capacity() * 2, buffer.position() + needed);
        ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
    }
}

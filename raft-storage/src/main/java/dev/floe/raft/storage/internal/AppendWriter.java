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
 * its own; a shared thread runs its rounds together with other writers' rounds, through the host's
 * {@link Journal}. A round {@linkplain #takeRound() takes} the queued requests,
 * {@linkplain #encodeRound encodes} them as journal APPEND records (one per contiguous run of the
 * same segment) into the shared round's buffer; once the shared thread has written and forced the
 * journal, {@link #writeRound} copies the same record bytes into the segment (page cache only, no
 * force: a checkpoint forces it) and {@link #endRound()} completes the futures. Per writer,
 * submission order and failure handling are unchanged; the torn-tail bound does not apply to the
 * segment files, which recovery cuts where the journal takes over.
 */
public final class AppendWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AppendWriter.class);

    /**
     * Entries to write at {@code position} of {@code segment}; {@code future} completes once durable.
     * {@code before}, if not null, runs on the writer thread once every earlier request is written
     * (and forced, unless the host journal holds it), and before these entries are written (the
     * log's deferred segment roll).
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
    /** Shared mode: the group id the journal records name. */
    private final byte[] group;
    // Shared mode: the round's chunks, one journal record each (its shared thread only).
    private int chunks;
    private Segment[] chunkSegment = new Segment[2];
    private long[] chunkFilePosition = new long[2];
    private int[] chunkRecordStart = new int[2];
    private int[] chunkStart = new int[2];
    private int[] chunkEnd = new int[2];
    private long[] chunkFirstIndex = new long[2];
    private long[] chunkLast = new long[2];
    private int[] chunkRequestsEnd = new int[2];
    private Step[] chunkBefore = new Step[2];
    // Requests of the round written to their segments, to complete once the round ends.
    private int writtenInRound;
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
        this.group = null;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** A writer whose rounds run on {@code shared}'s threads, journaled as group {@code group} (UTF-8). */
    public AppendWriter(SharedWriter shared, byte[] group, Progress progress) {
        this.syncPolicy = SyncPolicy.NONE; // the journal forces; segments are forced by checkpoints
        this.maxWriteBytes = Integer.MAX_VALUE;
        this.progress = progress;
        this.buffer = null;
        this.shared = shared;
        this.group = group.clone();
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
                    writeBatch(batch);
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

    /** Takes the queued requests for a round; false if nothing was queued. */
    boolean takeRound() {
        lock.lock();
        try {
            scheduled = false;
            if (queue.isEmpty() || busy) {
                // busy: in another round still, whose end queues it again.
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
        writtenInRound = 0;
        chunks = 0;
        return true;
    }

    /**
     * Encodes the round's requests as journal APPEND records at the end of {@code round}: one record
     * per run of requests that follow each other in one segment (a roll, or a truncation's new
     * position, starts a new one).
     */
    void encodeRound(RoundBuffer round) {
        if (roundError != null) return;
        int fixed = JournalFormat.fixedSize(group.length);
        Segment current = null;
        long next = -1;
        for (int r = 0; r < roundBatch.size(); r++) {
            Request request = roundBatch.get(r);
            if (chunks == 0 || request.before() != null || request.segment() != current || request.position() != next) {
                if (chunks > 0) closeChunk(round);
                growChunks();
                int c = chunks++;
                chunkSegment[c] = request.segment();
                chunkFilePosition[c] = request.position();
                chunkBefore[c] = request.before();
                chunkFirstIndex[c] = request.entries().get(0).index();
                chunkRecordStart[c] = round.reserve(fixed);
                chunkStart[c] = round.buffer().position();
                current = request.segment();
                next = request.position();
            }
            for (Entry entry : request.entries()) {
                int size = RecordFormat.size(entry);
                round.ensure(size);
                RecordFormat.encode(entry, round.buffer(), crc);
                next += size;
                chunkLast[chunks - 1] = entry.index();
            }
            chunkRequestsEnd[chunks - 1] = r + 1;
        }
        if (chunks > 0) closeChunk(round);
    }

    private void closeChunk(RoundBuffer round) {
        int c = chunks - 1;
        int end = round.buffer().position();
        chunkEnd[c] = end;
        JournalFormat.putFixed(round.buffer(), chunkRecordStart[c], end, JournalFormat.APPEND, group, chunkFirstIndex[c], 0,
                (int) (chunkLast[c] - chunkFirstIndex[c] + 1), crc);
        round.recordEnd(end);
    }

    private void growChunks() {
        if (chunks < chunkSegment.length) return;
        int n = chunks * 2;
        chunkSegment = java.util.Arrays.copyOf(chunkSegment, n);
        chunkFilePosition = java.util.Arrays.copyOf(chunkFilePosition, n);
        chunkRecordStart = java.util.Arrays.copyOf(chunkRecordStart, n);
        chunkStart = java.util.Arrays.copyOf(chunkStart, n);
        chunkEnd = java.util.Arrays.copyOf(chunkEnd, n);
        chunkFirstIndex = java.util.Arrays.copyOf(chunkFirstIndex, n);
        chunkLast = java.util.Arrays.copyOf(chunkLast, n);
        chunkRequestsEnd = java.util.Arrays.copyOf(chunkRequestsEnd, n);
        chunkBefore = java.util.Arrays.copyOf(chunkBefore, n);
    }

    /** The journal write of the round failed: its requests fail. */
    void failRound(IOException cause) {
        if (roundError == null) roundError = cause;
    }

    /**
     * After the journal holds the round's records, forced: runs each chunk's roll and copies its
     * entries' bytes from {@code buffer} into its segment (page cache only; {@code journal}'s next
     * checkpoint forces it).
     */
    void writeRound(ByteBuffer buffer, Journal journal) {
        if (roundError != null) return;
        try {
            for (int c = 0; c < chunks; c++) {
                if (chunkBefore[c] != null) chunkBefore[c].run();
                Segment target = chunkSegment[c];
                int length = chunkEnd[c] - chunkStart[c];
                FileOps.writeFully(target.channel, buffer.slice(chunkStart[c], length), chunkFilePosition[c]);
                journal.dirtied(target);
                long count = chunkLast[c] - chunkFirstIndex[c] + 1;
                writes.incrementAndGet();
                bytes.addAndGet(length);
                entries.addAndGet(count);
                shared.wrote(count);
                progress.written(chunkLast[c]);
                writtenInRound = chunkRequestsEnd[c];
            }
        } catch (IOException | RuntimeException e) {
            roundError = failed(e);
        } finally {
            for (int c = 0; c < chunks; c++) {
                chunkSegment[c] = null;
                chunkBefore[c] = null;
            }
        }
    }

    /** Ends the round: fails what a failure left, and queues the writer again if more arrived meanwhile. */
    void endRound() {
        List<Request> batch = roundBatch;
        IOException error = roundError;
        while (completedInRound < writtenInRound) batch.get(completedInRound++).future().complete(null);
        roundBatch = null;
        roundError = null;
        // Once finish() marks the writer idle another round may take it: no round state is touched after.
        finish(batch, error);
        lock.lock();
        try {
            // Not if a submit already queued it and a round took it meanwhile (busy): that round reschedules it.
            if (!queue.isEmpty() && !scheduled && !busy) {
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

    /** Writes the round (own thread); returns how many requests were completed: all of them. */
    private int writeBatch(List<Request> batch) throws IOException {
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
    }

    private void growBuffer(int needed) {
        int capacity = Math.max(buffer.capacity() * 2, buffer.position() + needed);
        ByteBuffer bigger = ByteBuffer.allocateDirect(capacity);
        buffer.flip();
        bigger.put(buffer);
        buffer = bigger;
    }
}

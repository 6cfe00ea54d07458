package dev.floe.raft.storage;

import dev.floe.raft.Entry;
import dev.floe.raft.storage.internal.FileOps;
import dev.floe.raft.storage.internal.JournalFormat;
import dev.floe.raft.storage.internal.JournalReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a host's journal into its groups' logs when a {@link FileGroupStorage} opens, before any
 * group runs (docs/multi-raft.md, storage).
 *
 * <p>The surviving journal files hold every mutation made since the last completed checkpoint, in
 * order; a group's files are reliable as that checkpoint left them, and anything written to them
 * since may be torn, partly written, or missing. So for each group with records: let {@code p} be
 * the lowest index any of its APPEND or TRUNCATE records touches (0 if it has a RESET, which
 * discards everything before); every write to its files since the checkpoint was at or above
 * {@code p}. The records are first applied in memory to "the files' entries below {@code p}", giving
 * the journal's tail of the log (and the last reset and compaction); then the log is opened
 * trusting only its entries below {@code p} (the rest is cut without being read) and the tail is
 * appended through the log's own code with a writer thread of its own, which forces as a
 * single-group log does. Entries below the log's first index were compacted meanwhile and are skipped. Only once
 * every group is replayed and forced are the journal files deleted, so a crash during recovery
 * leaves the same inputs and a second recovery gives the same logs. A group whose directory is gone
 * was removed: its records are dropped.
 */
final class JournalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(JournalRecovery.class);

    /** What a replay did: the next journal file's sequence number, and counts for the log. */
    record Outcome(long nextSeq, int files, long records, int groups, long tornBytes) {
    }

    private JournalRecovery() {
    }

    static Outcome recover(Path root, Path journalDir, StorageOptions options) throws IOException {
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(journalDir)) {
            for (Path file : listing) {
                String name = file.getFileName().toString();
                if (name.equals(FileGroupStorage.JOURNAL_LOCK)) continue;
                if (name.endsWith(JournalFormat.SUFFIX + JournalFormat.TEMP_SUFFIX)) {
                    // A file a checkpoint was preparing when the process stopped: it never took a record.
                    Files.delete(file);
                    continue;
                }
                var seq = JournalFormat.parse(name);
                if (seq.isEmpty()) throw new ForeignDirectoryException(journalDir, file);
                files.put(seq.get(), file);
            }
        }
        if (files.isEmpty()) return new Outcome(1, 0, 0, 0, 0);
        Map<String, List<JournalReader.Record>> byGroup = new LinkedHashMap<>();
        long records = 0;
        long torn = 0;
        for (Map.Entry<Long, Path> f : files.entrySet()) {
            JournalReader.Result result = JournalReader.read(f.getValue(), f.getKey(), f.getKey().equals(files.lastKey()), options.maxWriteBytes());
            if (result.tornBytes() > 0) {
                LOG.warn("{}: ignoring a torn tail of {} bytes ({}); it was never acknowledged", f.getValue(), result.tornBytes(), result.tornReason());
                torn += result.tornBytes();
            }
            for (JournalReader.Record r : result.records()) byGroup.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r);
            records += result.records().size();
        }
        for (Map.Entry<String, List<JournalReader.Record>> g : byGroup.entrySet()) {
            replay(root.resolve("groups").resolve(g.getKey()), g.getValue(), options, files.lastEntry().getValue());
        }
        // Every group is replayed and forced: now the journal may go (oldest first, so a crash
        // halfway leaves a suffix, which replays to the same logs).
        for (Path file : files.values()) Files.delete(file);
        FileOps.syncDirectory(journalDir, options.syncPolicy());
        LOG.info("{}: replayed {} journal records of {} groups from {} files", journalDir, records, byGroup.size(), files.size());
        return new Outcome(files.lastKey() + 1, files.size(), records, byGroup.size(), torn);
    }

    private static void replay(Path groupDir, List<JournalReader.Record> records, StorageOptions options, Path journal) throws IOException {
        if (!Files.isDirectory(groupDir.resolve("log"))) {
            // Removed (its directory deleted), or a crash came between journaling a new group's
            // creation and creating its log: either way there is nothing to restore.
            LOG.info("{}: not replaying {} journal records: the group has no log (removed, or never created)", groupDir, records.size());
            return;
        }
        Replay plan = Replay.of(records, groupDir, journal);
        try {
            apply(groupDir, plan, records.size(), options, journal);
        } catch (StorageCorruptionException e) {
            // The group's own files are damaged beyond what a crash explains (the journal itself is
            // sound: Replay.of checked it). As for a single group (FileStorage.open), either refuse
            // to start, or move this group's log aside and let it repair from its leader, so that one
            // damaged group does not keep every other group of the host from starting.
            if (!options.repairDamagedLog()) throw e.withAdvice(FileStorage.LOG_DAMAGE_ADVICE.formatted(groupDir, groupDir));
            Path aside = FileStorage.moveAside(groupDir.resolve("log"), "log.damaged-", options.syncPolicy());
            FileStorage.markForRepair(groupDir, options);
            LOG.warn("{}: the log is damaged beyond what a crash explains ({}); it was moved to {} and its {} journal records"
                    + " dropped: the group starts with an empty log and repairs from its leader", groupDir, e.getMessage(),
                    aside.getFileName(), records.size());
        }
    }

    private static void apply(Path groupDir, Replay plan, int records, StorageOptions options, Path journal) throws IOException {
        try (FileLogStorage log = FileLogStorage.open(groupDir.resolve("log"), options, null, plan.trustBelow)) {
            if (plan.resetIndex >= 0) log.reset(plan.resetIndex, plan.resetTerm);
            List<Entry> tail = plan.tail;
            if (!tail.isEmpty()) {
                long first = log.firstIndex();
                // Entries compacted since (the compaction's record may be lost): a snapshot covers them.
                int from = (int) Math.max(0, Math.min(tail.size(), first - tail.get(0).index()));
                if (from < tail.size() && tail.get(from).index() > log.lastIndex() + 1) {
                    throw new StorageCorruptionException(journal, 0, "group " + groupDir.getFileName() + ": the journal holds entries from index "
                            + tail.get(from).index() + " but the group's log ends at " + log.lastIndex());
                }
                CompletableFuture<Void> written = null;
                for (int i = from; i < tail.size(); i += REPLAY_BATCH) {
                    written = log.append(tail.subList(i, Math.min(tail.size(), i + REPLAY_BATCH)));
                }
                if (written != null) written.get();
            }
            long upTo = Math.min(plan.compactUpTo, log.lastIndex());
            if (upTo >= log.firstIndex()) log.compact(upTo);
            LOG.info("{}: replayed {} journal records (the log's files trusted below index {}): log now [{}, {}]", groupDir,
                    records, plan.trustBelow, log.firstIndex(), log.lastIndex());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while replaying the journal");
        } catch (ExecutionException e) {
            throw new IOException(groupDir + ": journal replay failed", e.getCause());
        }
    }

    /** Appends of at most this many entries rebuild a log's tail (a segment holds whole appends). */
    private static final int REPLAY_BATCH = 256;

    /**
     * What a group's records make of its log, computed before its files are touched: the log is
     * its files' entries below {@code trustBelow} (none after a reset to {@code resetIndex}), then
     * {@code tail}, the journal's entries, contiguous; then a compaction up to {@code compactUpTo}.
     * {@code trustBelow} is the lowest index any APPEND or TRUNCATE touched: every write to the
     * group's files since the checkpoint was at or above it, so the entries below it are as the
     * checkpoint forced them.
     */
    private static final class Replay {
        long trustBelow = Long.MAX_VALUE;
        long resetIndex = -1;
        long resetTerm;
        long compactUpTo = -1;
        final List<Entry> tail = new ArrayList<>();

        static Replay of(List<JournalReader.Record> records, Path groupDir, Path journal) throws StorageCorruptionException {
            Replay plan = new Replay();
            for (JournalReader.Record r : records) {
                switch (r.op()) {
                    case JournalFormat.APPEND -> {
                        plan.cut(r.a(), groupDir, journal);
                        plan.tail.addAll(r.entries());
                    }
                    case JournalFormat.TRUNCATE -> plan.cut(r.a(), groupDir, journal);
                    case JournalFormat.COMPACT -> plan.compactUpTo = Math.max(plan.compactUpTo, r.a());
                    case JournalFormat.RESET -> {
                        plan.resetIndex = r.a();
                        plan.resetTerm = r.b();
                        plan.tail.clear();
                        plan.compactUpTo = -1;
                    }
                    default -> throw new IllegalStateException("unknown journal op " + r.op());
                }
            }
            // After a reset nothing of the old files matters, and they may be any mix of old and new: trust none.
            if (plan.resetIndex >= 0) plan.trustBelow = 0;
            return plan;
        }

        // The log loses its entries from `index` on (an append there replaces them).
        private void cut(long index, Path groupDir, Path journal) throws StorageCorruptionException {
            long tailStart = resetIndex >= 0 ? resetIndex + 1 : trustBelow;
            if (resetIndex < 0 && index <= trustBelow) {
                trustBelow = index;
                tail.clear();
                return;
            }
            long keep = index - tailStart;
            if (keep < 0 || keep > tail.size()) {
                throw new StorageCorruptionException(journal, 0, "group " + groupDir.getFileName() + ": a journal record at index " + index
                        + " does not follow the entries from " + tailStart + " to " + (tailStart + tail.size() - 1) + " before it");
            }
            tail.subList((int) keep, tail.size()).clear();
        }
    }
}

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
 * the lowest index any of its APPEND, TRUNCATE or RESET records touches; open its log trusting only
 * the entries below {@code p} (the rest is cut: every write since the checkpoint was at or above
 * it); then apply its records in order (from its last RESET, which discards everything before),
 * through the log's own code with a writer thread of its own, which forces as a single-group log
 * does. Entries below the log's first index were compacted meanwhile and are skipped. Only once
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
        if (!Files.isDirectory(groupDir)) {
            LOG.info("{}: not replaying {} journal records: the group was removed", groupDir, records.size());
            return;
        }
        long trustBelow = Long.MAX_VALUE;
        int from = 0;
        for (int i = 0; i < records.size(); i++) {
            JournalReader.Record r = records.get(i);
            switch (r.op()) {
                case JournalFormat.APPEND, JournalFormat.TRUNCATE -> trustBelow = Math.min(trustBelow, r.a());
                case JournalFormat.RESET -> {
                    trustBelow = Math.min(trustBelow, r.a() + 1);
                    from = i;
                }
                default -> { }
            }
        }
        try (FileLogStorage log = FileLogStorage.open(groupDir.resolve("log"), options, null, trustBelow)) {
            CompletableFuture<Void> lastAppend = null;
            for (JournalReader.Record r : records.subList(from, records.size())) {
                switch (r.op()) {
                    case JournalFormat.APPEND -> {
                        List<Entry> entries = r.entries();
                        long first = log.firstIndex();
                        if (!entries.isEmpty() && entries.get(0).index() < first) {
                            // Compacted since (its COMPACT may not have been journaled): those entries are covered by a snapshot.
                            int skip = (int) Math.min(entries.size(), first - entries.get(0).index());
                            entries = entries.subList(skip, entries.size());
                        }
                        if (entries.isEmpty()) continue;
                        if (entries.get(0).index() > log.lastIndex() + 1) {
                            throw new StorageCorruptionException(journal, 0, "group " + groupDir.getFileName() + ": the journal appends index "
                                    + entries.get(0).index() + " but the group's log ends at " + log.lastIndex());
                        }
                        lastAppend = log.append(entries);
                    }
                    case JournalFormat.TRUNCATE -> log.truncateSuffix(r.a());
                    case JournalFormat.COMPACT -> {
                        long upTo = Math.min(r.a(), log.lastIndex());
                        if (upTo >= log.firstIndex()) log.compact(upTo);
                    }
                    case JournalFormat.RESET -> log.reset(r.a(), r.b());
                    default -> throw new IllegalStateException("unknown journal op " + r.op());
                }
            }
            if (lastAppend != null) lastAppend.get();
            LOG.info("{}: replayed {} journal records from index {}: log now [{}, {}]", groupDir, records.size() - from,
                    trustBelow == Long.MAX_VALUE ? "-" : trustBelow, log.firstIndex(), log.lastIndex());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while replaying the journal");
        } catch (ExecutionException e) {
            throw new IOException(groupDir + ": journal replay failed", e.getCause());
        }
    }
}

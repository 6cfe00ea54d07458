package dev.floe.raft.storage;

import static dev.floe.raft.storage.JournalCrashes.close;
import static dev.floe.raft.storage.JournalCrashes.copyTree;
import static dev.floe.raft.storage.JournalCrashes.forcedBytes;
import static dev.floe.raft.storage.JournalCrashes.group;
import static dev.floe.raft.storage.JournalCrashes.logDir;
import static dev.floe.raft.storage.JournalCrashes.segmentSizes;
import static dev.floe.raft.storage.JournalCrashes.segments;
import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Entry;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.LogStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random appends, conflicting appends (truncations), compactions, resets and checkpoints on three
 * groups of one {@link FileGroupStorage}, then a crash: a copy of the root with every group's
 * segment files damaged at random where a crash may damage them (everything written since the last
 * checkpoint: cut, zeroed, or a segment created since missing). Each group must come back with every
 * acknowledged mutation (a compaction may be undone: it is not durable), and again after a second
 * recovery over the first (a crash before the first deleted the journal). Reproduce a failure with
 * {@code -Dfloe.journal.seed=<seed> -Dfloe.journal.runs=1}; more runs with {@code -Dfloe.journal.runs=N}.
 */
class JournalCrashTest {
    private static final StorageOptions OPTIONS = StorageOptions.builder().syncPolicy(SyncPolicy.NONE).segmentBytes(1024)
            .maxWriteBytes(4096).build();
    private static final String[] GROUPS = {"a", "b", "c"};

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedMutationOfEveryGroupSurvivesACrashAnywhere() throws Exception {
        long first = Long.getLong("floe.journal.seed", 1);
        int runs = Integer.getInteger("floe.journal.runs", 6);
        for (long seed = first; seed < first + runs; seed++) {
            try {
                run(seed, tmp.resolve("run-" + seed));
            } catch (Throwable t) {
                throw new AssertionError("run with seed " + seed + " failed; rerun with -Dfloe.journal.seed=" + seed
                        + " -Dfloe.journal.runs=1", t);
            }
        }
    }

    /** One group's acknowledged log. */
    private static final class Model {
        final TreeMap<Long, Entry> entries = new TreeMap<>();
        long durableFirst = 1; // a reset is durable once it returns
        long first = 1;        // a compaction is not
        long last;
        long term = 1;
    }

    private static void run(long seed, Path dir) throws Exception {
        Random random = new Random(seed);
        Path root = dir.resolve("host");
        Path crash = dir.resolve("crash");
        Map<String, Model> models = new HashMap<>();
        Map<String, Map<Long, Long>> atCheckpoint = new HashMap<>();
        int checkpoints = 0;
        try (FileGroupStorage storage = FileGroupStorage.open(root, OPTIONS)) {
            Map<String, GroupStorage.Stores> stores = new HashMap<>();
            for (String g : GROUPS) {
                stores.put(g, storage.open(group(g)));
                models.put(g, new Model());
            }
            int steps = 40 + random.nextInt(120);
            for (int step = 0; step < steps; step++) {
                String g = GROUPS[random.nextInt(GROUPS.length)];
                Model m = models.get(g);
                LogStorage log = stores.get(g).log();
                int op = random.nextInt(100);
                if (op < 60) {
                    append(log, m, m.last + 1, 1 + random.nextInt(6), m.term);
                } else if (op < 72 && m.last >= m.first) {
                    m.term++;
                    append(log, m, m.first + random.nextInt((int) (m.last - m.first + 1)), 1 + random.nextInt(6), m.term);
                } else if (op < 80 && m.last >= m.first) {
                    long upTo = m.first + random.nextInt((int) (m.last - m.first + 1));
                    log.compact(upTo);
                    m.first = upTo + 1;
                } else if (op < 85) {
                    long index = Math.max(0, m.last - 5 + random.nextInt(35));
                    long term = m.term + random.nextInt(2);
                    log.reset(index, term);
                    m.entries.clear();
                    m.durableFirst = m.first = index + 1;
                    m.last = index;
                    m.term = term;
                } else if (op < 92) {
                    storage.checkpoint();
                    checkpoints++;
                    for (String each : GROUPS) atCheckpoint.put(each, segmentSizes(logDir(root, each)));
                }
            }
            // Everything is acknowledged and nothing is in flight: the copy is what a crash could leave, before the damage.
            copyTree(root, crash);
            assertThat(storage.journalStats().checkpoints()).as("no checkpoint but ours ran (the copy assumes so)").isEqualTo(checkpoints);
            for (GroupStorage.Stores s : stores.values()) close(s);
        }
        for (String g : GROUPS) damage(logDir(crash, g), atCheckpoint.getOrDefault(g, Map.of()), random);
        Path journalAtCrash = dir.resolve("journal-at-crash");
        copyTree(crash.resolve("journal"), journalAtCrash);

        check(crash, models);
        // A crash right after the first recovery rewrote the groups, before it deleted the journal.
        JournalCrashes.deleteTree(crash.resolve("journal"));
        copyTree(journalAtCrash, crash.resolve("journal"));
        check(crash, models);
    }

    private static void append(LogStorage log, Model m, long from, int count, long term) throws Exception {
        List<Entry> batch = TestEntries.range(term, from, count, 1 + (int) (from % 97));
        log.append(batch).get(10, TimeUnit.SECONDS);
        m.entries.tailMap(from, true).clear();
        for (Entry e : batch) m.entries.put(e.index(), e);
        m.last = from + count - 1;
    }

    // What a crash may do to what was not forced: each segment's bytes after what the last
    // checkpoint forced cut, zeroed or kept; a segment created since then missing altogether (more
    // than a crash can do: creations are forced when they happen), except the first one, whose
    // header tells where the log starts after a compaction.
    private static void damage(Path logDir, Map<Long, Long> atCheckpoint, Random random) throws Exception {
        List<Path> all = segments(logDir);
        for (Path segment : all) {
            long forced = forcedBytes(segment, atCheckpoint);
            long size = Files.size(segment);
            boolean created = !atCheckpoint.containsKey(JournalCrashes.base(segment));
            switch (random.nextInt(5)) {
                case 0 -> { }
                case 1 -> JournalCrashes.truncate(segment, forced + (size > forced ? random.nextInt((int) (size - forced)) : 0));
                case 2 -> {
                    if (size > forced) {
                        long at = forced + random.nextInt((int) (size - forced));
                        JournalCrashes.zero(segment, at, (int) Math.min(size - at, 1 + random.nextInt(300)));
                    }
                }
                case 3 -> JournalCrashes.truncate(segment, forced);
                default -> {
                    if (created && segment != all.get(0)) Files.delete(segment);
                }
            }
        }
    }

    private static void check(Path root, Map<String, Model> models) throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root, OPTIONS)) {
            for (String g : GROUPS) {
                Model m = models.get(g);
                GroupStorage.Stores stores = storage.open(group(g));
                try {
                    LogStorage log = stores.log();
                    assertThat(log.lastIndex()).as(g + " last index").isEqualTo(m.last);
                    assertThat(log.firstIndex()).as(g + " first index").isBetween(m.durableFirst, m.first);
                    if (log.firstIndex() <= log.lastIndex()) {
                        List<Entry> entries = log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE);
                        assertThat(entries).as(g + " entries").containsExactlyElementsOf(m.entries.subMap(log.firstIndex(), true, m.last, true).values());
                    }
                } finally {
                    close(stores);
                }
            }
        }
    }
}

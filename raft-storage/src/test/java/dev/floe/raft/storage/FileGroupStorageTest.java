package dev.floe.raft.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.floe.raft.Entry;
import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileGroupStorageTest {
    @TempDir
    Path root;

    private static void close(GroupStorage.Stores stores) throws Exception {
        stores.log().close();
        stores.owner().orElseThrow().close();
    }

    @Test
    void eachGroupKeepsItsOwnStorageUnderTheRootAndReopensIt() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root, TestEntries.fast())) {
            GroupId a = GroupId.of("a");
            GroupId b = GroupId.of("b-2");
            GroupStorage.Stores sa = storage.open(a);
            GroupStorage.Stores sb = storage.open(b);
            sa.hardState().save(new HardState(3, Optional.of(NodeId.of("h1"))));
            sa.log().append(TestEntries.range(3, 1, 4, 16)).get(10, TimeUnit.SECONDS);
            sb.log().append(TestEntries.range(1, 1, 1, 16)).get(10, TimeUnit.SECONDS);
            close(sa);
            close(sb);

            assertThat(storage.directory(a)).isEqualTo(root.resolve("groups").resolve("a"));
            assertThat(storage.directory(a).resolve("hardstate")).exists();
            assertThat(storage.groups()).containsExactly(a, b);
            GroupStorage.Stores again = storage.open(a);
            try {
                assertThat(again.log().lastIndex()).isEqualTo(4);
                assertThat(again.hardState().load().term()).isEqualTo(3);
                assertThat(again.snapshots()).isPresent();
            } finally {
                close(again);
            }
            GroupStorage.Stores otherAgain = storage.open(b);
            try {
                assertThat(otherAgain.log().lastIndex()).isEqualTo(1);
            } finally {
                close(otherAgain);
            }
        }
    }

    /** The groups' logs are written by the shared writer: no thread per log, every append durable and in order. */
    @Test
    void manyGroupsLogsShareTheWriterThreads() throws Exception {
        int groups = 20;
        int batches = 25;
        try (FileGroupStorage storage = FileGroupStorage.open(root, TestEntries.fast())) {
            long writersBefore = logWriterThreads();
            List<GroupStorage.Stores> open = new ArrayList<>();
            for (int g = 0; g < groups; g++) open.add(storage.open(GroupId.of("w" + g)));
            assertThat(logWriterThreads()).isEqualTo(writersBefore);
            List<CompletableFuture<Void>> appends = new ArrayList<>();
            for (int i = 0; i < batches; i++) {
                for (GroupStorage.Stores s : open) appends.add(s.log().append(TestEntries.range(1, 1 + 4L * i, 4, 64)));
            }
            CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            // More logs than force threads: checkpoints' forces share a bounded pool, not a thread per log.
            storage.checkpoint();
            assertThat(forceThreads()).isLessThanOrEqualTo(FileGroupStorage.FORCE_THREADS);
            for (GroupStorage.Stores s : open) close(s);
            for (int g = 0; g < groups; g++) {
                GroupStorage.Stores s = storage.open(GroupId.of("w" + g));
                try {
                    assertThat(s.log().lastIndex()).isEqualTo(4L * batches);
                    List<Entry> all = s.log().entries(1, 4L * batches + 1, Long.MAX_VALUE);
                    assertThat(all).isEqualTo(TestEntries.range(1, 1, 4 * batches, 64));
                } finally {
                    close(s);
                }
            }
        }
    }

    private static long forceThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("floe-group-log-writer-force-")).count();
    }

    private static long logWriterThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("floe-log-writer-")).count();
    }

    @Test
    void aGroupOpenTwiceIsRefusedAndOtherDirectoriesAreNotGroups() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root, TestEntries.fast())) {
            GroupStorage.Stores open = storage.open(GroupId.of("g"));
            try {
                assertThatThrownBy(() -> storage.open(GroupId.of("g"))).isInstanceOf(StorageLockedException.class);
            } finally {
                close(open);
            }
            Files.createDirectories(root.resolve("groups").resolve("not a group"));
            assertThat(storage.groups()).containsExactly(GroupId.of("g"));
        }
    }

    @Test
    void noGroupsBeforeTheFirstIsOpened() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root.resolve("empty"), TestEntries.fast())) {
            assertThat(storage.groups()).isEmpty();
        }
    }

    /**
     * A clean close ends with a checkpoint: every group's files hold everything, the journal is
     * deleted, and the next open replays nothing. A second open of a root in use is refused.
     */
    @Test
    void aCleanCloseLeavesNothingToReplayAndTheRootIsLockedWhileOpen() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(root, TestEntries.fast())) {
            assertThatThrownBy(() -> FileGroupStorage.open(root, TestEntries.fast())).isInstanceOf(StorageLockedException.class);
            GroupStorage.Stores g = storage.open(GroupId.of("g"));
            g.log().append(TestEntries.range(1, 1, 10, 64)).get(10, TimeUnit.SECONDS);
            close(g);
            assertThat(storage.journalStats().bytes()).isPositive();
        }
        try (var journal = Files.list(root.resolve("journal"))) {
            assertThat(journal.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".wal")).toList()).hasSize(1);
        }
        try (FileGroupStorage storage = FileGroupStorage.open(root, TestEntries.fast())) {
            assertThat(storage.journalStats().replayedRecords()).isZero();
            GroupStorage.Stores g = storage.open(GroupId.of("g"));
            try {
                assertThat(g.log().entries(1, 11, Long.MAX_VALUE)).isEqualTo(TestEntries.range(1, 1, 10, 64));
            } finally {
                close(g);
            }
        }
    }
}

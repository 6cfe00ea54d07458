package dev.floe.raft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Entry;
import dev.floe.raft.GroupId;
import dev.floe.raft.GroupStorage;
import dev.floe.raft.HardState;
import dev.floe.raft.storage.FileGroupStorage;
import dev.floe.raft.storage.StorageOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code raft-kv repair} on the directory of a node started with {@code --groups}: every group (or one) is marked. */
class RepairCommandTest {
    private static final GroupId KV0 = GroupId.of("kv-0");
    private static final GroupId KV1 = GroupId.of("kv-1");

    @TempDir
    Path dir;

    @Test
    void marksEveryGroupOfAGroupedDirectoryOrOnlyTheOneNamed() throws Exception {
        writeGroups();
        assertThat(Main.commandLine().execute("repair", "--data-dir", dir.toString(), "--group", "kv-1")).isZero();
        assertThat(repairing()).containsExactly(false, true);

        assertThat(Main.commandLine().execute("repair", "--data-dir", dir.toString())).isZero();
        assertThat(repairing()).containsExactly(true, true);
        assertThat(Main.commandLine().execute("repair", "--data-dir", dir.toString(), "--group", "kv-9")).isEqualTo(Main.FAILURE);
    }

    /** Two groups, each with an entry and a term, left in the host journal only (no checkpoint before the stop). */
    private void writeGroups() throws Exception {
        try (FileGroupStorage storage = FileGroupStorage.open(dir, StorageOptions.defaults())) {
            for (GroupId g : List.of(KV0, KV1)) {
                GroupStorage.Stores stores = storage.open(g);
                stores.hardState().save(new HardState(2, Optional.empty()));
                stores.log().append(List.of(Entry.command(2, 1, Bytes.wrap(new byte[] {1})))).get();
                stores.owner().orElseThrow().close();
            }
        }
    }

    /** Whether kv-0 and kv-1 are marked for repair; each must still hold its entry. */
    private List<Boolean> repairing() throws Exception {
        List<Boolean> marked = new java.util.ArrayList<>();
        try (FileGroupStorage storage = FileGroupStorage.open(dir, StorageOptions.defaults())) {
            for (GroupId g : List.of(KV0, KV1)) {
                GroupStorage.Stores stores = storage.open(g);
                try {
                    assertThat(stores.log().lastIndex()).as("%s's entry survived", g).isEqualTo(1);
                    marked.add(stores.hardState().load().repairing());
                } finally {
                    stores.owner().orElseThrow().close();
                }
            }
        }
        return marked;
    }
}

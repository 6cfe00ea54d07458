package dev.floe.raft.examples;

import dev.floe.raft.GroupId;
import dev.floe.raft.storage.FileGroupStorage;
import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raft-kv.jar repair --data-dir DIR}: marks a stopped member's directory for repair
 * ({@link FileStorage#markForRepair}), so that when it starts it does not vote or campaign until it
 * has caught up with the leader. For a directory restored from a backup or an old copy, or created
 * empty after its log was damaged (docs/operations.md, "Storage faults and recovery"). A directory
 * of a node started with {@code --groups} holds many groups under one host journal: every group is
 * marked ({@link FileGroupStorage#markForRepair}, which replays the journal first), or only
 * {@code --group G}.
 */
@Command(name = "repair", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Mark a STOPPED member's directory (restored from a copy, or emptied after damage) for repair:",
            "on its next start it takes the log from the leader and votes only once caught up.",
            "For a node started with --groups, every group in the directory (or only --group)."})
final class RepairCommand implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "the stopped member's data directory")
    Path dir;

    @Option(names = "--group", paramLabel = "GROUP", description = "with --groups: mark only this group (e.g. kv-3)")
    String group;

    @Override
    public Integer call() {
        StorageOptions options = StorageOptions.defaults();
        try {
            SortedSet<GroupId> groups = FileGroupStorage.groupsUnder(dir);
            if (groups.isEmpty()) {
                if (group != null) {
                    System.err.println("error: " + dir + " holds no groups (was the node started with --groups?)");
                    return Main.FAILURE;
                }
                FileStorage.markForRepair(dir, options);
                System.out.println("marked " + dir.toAbsolutePath() + " for repair: start the member as usual; it will not vote until it has"
                        + " caught up with the leader (GET /v1/status says \"health\":\"repairing\" until then)");
                return 0;
            }
            if (group != null) {
                GroupId only = GroupId.of(group);
                if (!groups.contains(only)) {
                    System.err.println("error: " + dir + " holds no group " + group + "; it holds " + groups);
                    return Main.FAILURE;
                }
                groups = new java.util.TreeSet<>(java.util.Set.of(only));
            }
            for (GroupId g : groups) FileGroupStorage.markForRepair(dir, g, options);
            System.out.println("marked " + groups.size() + " group(s) of " + dir.toAbsolutePath() + " for repair: " + groups
                    + "; start the node as usual; each group votes again once it has caught up with its leader");
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("error: cannot mark " + dir + " for repair: " + Problems.describe(e));
            return Main.FAILURE;
        }
    }
}

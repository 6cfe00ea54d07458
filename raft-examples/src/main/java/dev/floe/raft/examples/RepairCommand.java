package dev.floe.raft.examples;

import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code raft-kv.jar repair --data-dir DIR}: marks a stopped member's directory for repair
 * ({@link FileStorage#markForRepair}), so that when it starts it does not vote or campaign until it
 * has caught up with the leader. For a directory restored from a backup or an old copy, or created
 * empty after its log was damaged (docs/operations.md, "Storage faults and recovery").
 */
@Command(name = "repair", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Mark a STOPPED member's directory (restored from a copy, or emptied after damage) for repair:",
            "on its next start it takes the log from the leader and votes only once caught up."})
final class RepairCommand implements Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "the stopped member's data directory")
    Path dir;

    @Override
    public Integer call() {
        try {
            FileStorage.markForRepair(dir, StorageOptions.defaults());
        } catch (IOException e) {
            System.err.println("error: cannot mark " + dir + " for repair: " + Problems.describe(e));
            return Main.FAILURE;
        }
        System.out.println("marked " + dir.toAbsolutePath() + " for repair: start the member as usual; it will not vote until it has"
                + " caught up with the leader (GET /v1/status says \"health\":\"repairing\" until then)");
        return 0;
    }
}

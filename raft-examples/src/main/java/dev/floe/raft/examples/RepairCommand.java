package dev.floe.raft.examples;

import dev.floe.raft.storage.FileStorage;
import dev.floe.raft.storage.StorageOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code raft-kv.jar repair --data-dir DIR}: marks a stopped member's directory for repair
 * ({@link FileStorage#markForRepair}), so that when it starts it does not vote or campaign until it
 * has caught up with the leader. For a directory restored from a backup or an old copy, or created
 * empty after its log was damaged (docs/operations.md, "Storage faults and recovery").
 */
final class RepairCommand {
    static final String USAGE = """
              repair --data-dir DIR
                  mark a STOPPED member's directory (restored from a copy, or emptied after damage) for
                  repair: on its next start it takes the log from the leader and votes only once caught up
            """;

    private RepairCommand() {
    }

    static int run(Args args, PrintStream out) {
        args.only("--data-dir");
        Path dir = Path.of(args.required("--data-dir"));
        try {
            FileStorage.markForRepair(dir, StorageOptions.defaults());
        } catch (IOException e) {
            System.err.println("error: cannot mark " + dir + " for repair: " + e.getMessage());
            return 1;
        }
        out.println("marked " + dir.toAbsolutePath() + " for repair: start the member as usual; it will not vote until it has"
                + " caught up with the leader (GET /v1/status says \"health\":\"repairing\" until then)");
        return 0;
    }
}

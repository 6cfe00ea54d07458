package dev.floe.raft.examples.admin;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Which Raft groups a change applies to, on nodes started with {@code --groups N}: membership and
 * leadership are per group, each changed through that group's own leader. Neither option: the
 * node's only group.
 */
final class GroupOptions {
    @ArgGroup(exclusive = true)
    Choice choice;

    static final class Choice {
        @Option(names = "--group", paramLabel = "GROUP", description = "the group to change, like kv-3 (nodes started with --groups N)")
        String group;

        @Option(names = "--all-groups", description = "change every group the node runs, one after the other")
        boolean all;
    }

    boolean all() {
        return choice != null && choice.all;
    }

    /** The query string naming the chosen single group ({@code ?group=kv-3} or {@code &group=...}), or empty. */
    String query(char separator) {
        return choice == null || choice.group == null ? "" : separator + "group=" + choice.group;
    }
}

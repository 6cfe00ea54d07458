package dev.floe.raft.examples.admin;

import dev.floe.raft.examples.kv.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code raft-kv.jar admin ...}: operate a running raft-kv cluster over HTTP, through any member.
 * Exit codes: 0 done, 1 the cluster refused or a member could not be reached, 2 usage error.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, versionProvider = dev.floe.raft.examples.Version.class,
        description = "Operate a running raft-kv cluster over HTTP, through any member.",
        subcommands = {AdminCommand.Status.class, AdminCommand.Watch.class, AdminCommand.Members.class,
            AdminCommand.Leader.class, AdminCommand.Snapshot.class})
public final class AdminCommand implements Runnable {
    static final int FAILURE = 1;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a sub-command is required");
    }

    /** Runs {@code action} against the first member of {@code --cluster} that answers, trying the next one when one is down. */
    private static AdminClient.Answer firstAnswering(AdminOptions options, Request action) throws AdminClient.AdminException {
        AdminClient client = options.client();
        StringBuilder failures = new StringBuilder();
        for (String base : options.bases()) {
            try {
                return action.send(client, base);
            } catch (AdminClient.AdminException e) {
                failures.append(failures.length() == 0 ? "" : "; ").append(e.getMessage());
            }
        }
        throw new AdminClient.AdminException("no member answered: " + failures);
    }

    private interface Request {
        AdminClient.Answer send(AdminClient client, String base) throws AdminClient.AdminException;
    }

    /** Sends a change to the first member that answers and reports it (see {@link #report}); exit 0 or 1. */
    private static int change(CommandSpec spec, AdminOptions options, Request action, String done) {
        try {
            return report(spec, firstAnswering(options, action), done);
        } catch (AdminClient.AdminException e) {
            return unreachable(spec, e);
        }
    }

    /** A change to one group: {@code group} gives the query naming it, after the separator given, or "" for none. */
    private interface GroupRequest {
        AdminClient.Answer send(AdminClient client, String base, java.util.function.Function<Character, String> group)
                throws AdminClient.AdminException;
    }

    /**
     * Sends a change to the group(s) {@code groups} chose: one (or the node's only group) like
     * {@link #change}, or with {@code --all-groups} each group the first answering member lists
     * in its status, one after the other (each through that group's leader); exit 1 if any failed.
     */
    @SuppressWarnings("unchecked")
    private static int changeGroups(CommandSpec spec, AdminOptions options, GroupOptions groups, GroupRequest action, String done) {
        if (!groups.all()) return change(spec, options, (c, base) -> action.send(c, base, groups::query), done);
        AdminClient.Answer status;
        try {
            status = firstAnswering(options, (c, base) -> c.get(base, "/v1/status"));
        } catch (AdminClient.AdminException e) {
            return unreachable(spec, e);
        }
        if (!status.ok()) return report(spec, status, "");
        List<Map<String, Object>> listed = (List<Map<String, Object>>) status.body().get("groups");
        if (listed == null) {
            spec.commandLine().getErr().println("error: --all-groups: the node runs a single group; leave the option out");
            return FAILURE;
        }
        int exit = 0;
        for (Map<String, Object> g : listed) {
            String group = String.valueOf(g.get("group"));
            String query = "group=" + java.net.URLEncoder.encode(group, java.nio.charset.StandardCharsets.UTF_8);
            int one = change(spec, options, (c, base) -> action.send(c, base, separator -> separator + query), group + ": " + done);
            if (one != 0) exit = FAILURE;
        }
        return exit;
    }

    /** Prints the outcome of a change: the JSON answer, or the refusal; exit 0 or 1. */
    private static int report(CommandSpec spec, AdminClient.Answer a, String done) {
        if (!a.ok()) {
            spec.commandLine().getErr().println("error: " + a.problem());
            return FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(done);
        out.println(Json.write(a.body()));
        out.flush();
        return 0;
    }

    private static int unreachable(CommandSpec spec, AdminClient.AdminException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return FAILURE;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"One row per member: role, term, leader, commit/applied/last/snapshot index, lag behind the",
                "leader's commit, health; then work in progress. Exit 1 when a member is unreachable."})
    static final class Status implements Callable<Integer> {
        @Mixin
        AdminOptions options;

        @Option(names = "--json", description = "print the cluster view as JSON instead of a table")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() {
            Map<String, Object> view = ClusterProbe.collect(options.client(), options.bases());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(view));
                out.flush();
            } else {
                StatusTable.print(view, 0, out);
            }
            boolean allUp = ((List<Map<String, Object>>) view.get("members")).stream().allMatch(m -> Boolean.TRUE.equals(m.get("reachable")));
            return allUp ? 0 : FAILURE;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "The status table, refreshed until interrupted, with recent events.")
    static final class Watch implements Callable<Integer> {
        @Mixin
        AdminOptions options;

        @Option(names = "--interval-ms", defaultValue = "1000", paramLabel = "MS", description = "refresh period (default ${DEFAULT-VALUE})")
        long intervalMillis;

        @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "stop after N refreshes (default: never)")
        int count;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            if (intervalMillis < 100) throw new IllegalArgumentException("--interval-ms must be at least 100");
            PrintWriter out = spec.commandLine().getOut();
            boolean terminal = System.console() != null;
            for (int i = 0; count == 0 || i < count; i++) {
                if (i > 0) Thread.sleep(intervalMillis);
                Map<String, Object> view = ClusterProbe.collect(options.client(), options.bases());
                if (terminal) out.print("\033[H\033[2J"); // clear the screen between refreshes
                out.println("raft-kv cluster at " + java.time.LocalTime.now().withNano(0) + " (every " + intervalMillis + " ms)");
                StatusTable.print(view, 8, out);
                if (!terminal) out.println();
            }
            return 0;
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "List, add, remove or promote members.",
            subcommands = {Members.ListMembers.class, Members.Add.class, Members.Remove.class, Members.Promote.class})
    static final class Members implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a sub-command is required: list, add, remove or promote");
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "The members of the configuration in force.")
        static final class ListMembers implements Callable<Integer> {
            @Mixin
            AdminOptions options;

            @Spec
            CommandSpec spec;

            @Override
            @SuppressWarnings("unchecked")
            public Integer call() {
                AdminClient.Answer a;
                try {
                    a = firstAnswering(options, (c, base) -> c.get(base, "/v1/status"));
                } catch (AdminClient.AdminException e) {
                    return unreachable(spec, e);
                }
                if (!a.ok()) return report(spec, a, "");
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%-8s %-7s %-22s %s%n", "ID", "ROLE", "RAFT", "HTTP");
                for (Map<String, Object> m : (List<Map<String, Object>>) a.body().get("members")) {
                    out.printf("%-8s %-7s %-22s %s%n", m.get("id"), Boolean.TRUE.equals(m.get("voter")) ? "voter" : "learner",
                            text(m.get("raft")), text(m.get("http")));
                }
                out.flush();
                return 0;
            }

            private static String text(Object v) {
                return v instanceof String s ? s : "-";
            }
        }

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = {"Add a member (started with `node --join`): a learner, or a voter once it has caught up."})
        static final class Add implements Callable<Integer> {
            @Mixin
            AdminOptions options;

            @Option(names = "--id", required = true, paramLabel = "ID")
            String id;

            @Option(names = "--raft", required = true, paramLabel = "HOST:PORT", description = "its raft address")
            String raft;

            @Option(names = "--http", required = true, paramLabel = "HOST:PORT", description = "its HTTP address")
            String http;

            @Option(names = "--learner", description = "add it as a learner only (promote it later)")
            boolean learner;

            @Mixin
            GroupOptions groups;

            @Spec
            CommandSpec spec;

            @Override
            public Integer call() {
                String body = Json.write(Json.obj("id", id, "raft", raft, "http", http, "voter", !learner));
                return changeGroups(spec, options, groups, (c, base, group) -> c.post(base, "/v1/members" + group.apply('?'), body),
                        "added " + id + (learner ? " as a learner" : " as a voter"));
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a member from the configuration.")
        static final class Remove implements Callable<Integer> {
            @Mixin
            AdminOptions options;

            @Option(names = "--id", required = true, paramLabel = "ID")
            String id;

            @Mixin
            GroupOptions groups;

            @Spec
            CommandSpec spec;

            @Override
            public Integer call() {
                return changeGroups(spec, options, groups, (c, base, group) -> c.delete(base, "/v1/members/" + id + group.apply('?')),
                        "removed " + id);
            }
        }

        @Command(name = "promote", mixinStandardHelpOptions = true, description = "Make a learner a voter (thesis §4.2.1).")
        static final class Promote implements Callable<Integer> {
            @Mixin
            AdminOptions options;

            @Option(names = "--id", required = true, paramLabel = "ID")
            String id;

            @Mixin
            GroupOptions groups;

            @Spec
            CommandSpec spec;

            @Override
            public Integer call() {
                return changeGroups(spec, options, groups,
                        (c, base, group) -> c.post(base, "/v1/members/" + id + "/promote" + group.apply('?'), ""), "promoted " + id);
            }
        }
    }

    @Command(name = "leader", mixinStandardHelpOptions = true, description = "Leadership.",
            subcommands = Leader.Transfer.class)
    static final class Leader implements Runnable {
        @Spec
        CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "a sub-command is required: transfer");
        }

        @Command(name = "transfer", mixinStandardHelpOptions = true,
                description = "Hand leadership to a voter (thesis §3.10); done once the old leader stepped down.")
        static final class Transfer implements Callable<Integer> {
            @Mixin
            AdminOptions options;

            @Option(names = "--to", required = true, paramLabel = "ID")
            String to;

            @Mixin
            GroupOptions groups;

            @Spec
            CommandSpec spec;

            @Override
            public Integer call() {
                return changeGroups(spec, options, groups, (c, base, group) -> c.post(base, "/v1/leader?to=" + to + group.apply('&'), ""),
                        "leadership transferred to " + to);
            }
        }
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true,
            description = {"Take a snapshot now on each member of --cluster (each compacts its own log)."})
    static final class Snapshot implements Callable<Integer> {
        @Mixin
        AdminOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            AdminClient client = options.client();
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int exit = 0;
            for (String base : options.bases()) {
                try {
                    AdminClient.Answer a = client.post(base, "/v1/snapshot", "");
                    if (a.ok()) {
                        out.println(base + ": snapshot at index " + a.body().get("snapshotIndex"));
                    } else {
                        err.println("error: " + base + ": " + a.problem());
                        exit = FAILURE;
                    }
                } catch (AdminClient.AdminException e) {
                    err.println("error: " + e.getMessage());
                    exit = FAILURE;
                }
            }
            out.flush();
            err.flush();
            return exit;
        }
    }
}

package dev.floe.raft.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What {@code raft-kv.jar bench --scale ...} measures, each on a fresh 3-member cluster.
 *
 * @param runs       which measurements, in order ({@code --scale restart,snapshot,catchup})
 * @param entries    log entries (128-byte PUTs) a member restarts with ({@code --scale-entries}; 10,000,000 ≈ 1.5 GB)
 * @param megabytes  size of the state for the snapshot run and of the backlog for the catch-up run ({@code --scale-mb})
 */
public record ScaleSettings(List<Run> runs, long entries, int megabytes) {

    /** One kind of scale measurement. */
    public enum Run {
        /** Time until a member whose log holds {@code entries} entries serves again after a restart. */
        RESTART,
        /** Take a snapshot of {@code megabytes}, send it to a new member and restore it there, and restore it from disk. */
        SNAPSHOT,
        /** A follower {@code megabytes} behind catches up from the leader's log. */
        CATCHUP
    }

    public ScaleSettings {
        runs = List.copyOf(runs);
        if (runs.isEmpty()) throw new IllegalArgumentException("--scale needs restart, snapshot and/or catchup");
        if (entries < 1) throw new IllegalArgumentException("--scale-entries must be positive: " + entries);
        if (megabytes < 1) throw new IllegalArgumentException("--scale-mb must be positive: " + megabytes);
    }

    /** Reads the settings from {@code option} (name to value, or null when not given). */
    public static ScaleSettings parse(Function<String, String> option) {
        String which = option.apply("--scale");
        List<Run> runs = new ArrayList<>();
        for (String s : (which == null || which.equals("true") ? "restart,snapshot,catchup" : which).split(",")) {
            if (s.isBlank()) continue;
            try {
                runs.add(Run.valueOf(s.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--scale takes restart, snapshot and catchup, got '" + s + "'");
            }
        }
        return new ScaleSettings(runs, number("--scale-entries", option.apply("--scale-entries"), 200_000),
                Math.toIntExact(number("--scale-mb", option.apply("--scale-mb"), 64)));
    }

    private static long number(String name, String value, long fallback) {
        if (value == null) return fallback;
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a number, got '" + value + "'");
        }
    }
}

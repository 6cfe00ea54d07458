package dev.floe.raft.examples.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CPU time of this process's threads by kind (consensus pools, disk and user pools, Netty, the
 * storage's log writers, the JIT compilers, the garbage collector, the rest), read from
 * {@code /proc/self/task} on Linux: where a benchmark's CPU per operation goes, and how much of it is
 * the JIT still compiling. Empty where {@code /proc} is not there.
 */
final class ThreadCpu {
    /** Linux reports {@code utime} and {@code stime} in clock ticks of 1/100 s ({@code USER_HZ}). */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final Path TASKS = Path.of("/proc/self/task");

    private ThreadCpu() {
    }

    /** CPU nanoseconds used so far by each kind of thread that exists now; empty without {@code /proc}. */
    static Map<String, Long> snapshot() {
        Map<String, Long> byKind = new LinkedHashMap<>();
        if (!Files.isDirectory(TASKS)) return byKind;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    String stat = Files.readString(task.resolve("stat"));
                    // After the command in parentheses: state is field 3, utime field 14, stime field 15.
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    byKind.merge(kind(name), ticks * NANOS_PER_TICK, Long::sum);
                } catch (IOException | RuntimeException e) {
                    // The thread ended while being read: its time is lost from this snapshot only.
                }
            }
        } catch (IOException e) {
            return new LinkedHashMap<>();
        }
        return byKind;
    }

    /** Microseconds of CPU per operation by kind between two snapshots ({@code ops} operations). */
    static Map<String, Double> perOp(Map<String, Long> before, Map<String, Long> after, long ops) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (ops <= 0) return out;
        for (String kind : KINDS) {
            long used = after.getOrDefault(kind, 0L) - before.getOrDefault(kind, 0L);
            if (after.containsKey(kind)) out.put(kind, Math.max(0, used) / 1000.0 / ops);
        }
        return out;
    }

    private static final String[] KINDS = {"consensus", "disk", "user", "netty", "log_writer", "driver", "jit", "gc", "other"};

    /** The kind of a thread by its (15-character) Linux name: the runtime's pools are named {@code floe-<host>-<pool>-<n>}. */
    static String kind(String name) {
        if (name.startsWith("floe-netty")) return "netty";
        if (name.startsWith("floe-group-log")) return "log_writer";
        if (name.startsWith("floe-") && name.contains("-consens")) return "consensus";
        if (name.startsWith("floe-") && name.contains("-disk")) return "disk";
        if (name.startsWith("floe-") && name.contains("-user")) return "user";
        if (name.startsWith("peerbench")) return "driver";
        if (name.contains("CompilerThre")) return "jit";
        if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.contains("Refine") || name.contains("Conc#")) return "gc";
        return "other";
    }
}

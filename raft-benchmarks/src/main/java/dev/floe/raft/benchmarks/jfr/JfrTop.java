package dev.floe.raft.benchmarks.jfr;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of a benchmark run for docs/benchmarks.md: the Java execution samples
 * ({@code jdk.ExecutionSample}) by thread (numbers folded: {@code floe-n1-apply} and
 * {@code floe-n2-apply} count together), by what is on top of the stack, by the nearest
 * hand-written Floe method, and the top frames; and the fsyncs ({@code jdk.FileForce}) with their
 * percentiles when the recording kept them. Samples see Java code only: time in the kernel
 * (socket and file system calls) and parked threads do not show.
 *
 * <pre>java -cp raft-benchmarks/target/benchmarks.jar dev.floe.raft.benchmarks.jfr.JfrTop FILE.jfr [N]</pre>
 */
public final class JfrTop {
    private JfrTop() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop FILE.jfr [rows]");
            System.exit(2);
        }
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        summarise(RecordingFile.readAllEvents(Path.of(args[0])), rows, System.out);
    }

    static void summarise(List<RecordedEvent> events, int rows, PrintStream out) {
        Map<String, Integer> byThread = new HashMap<>();
        Map<String, Integer> byCategory = new HashMap<>();
        Map<String, Integer> nearestFloe = new HashMap<>();
        Map<String, Integer> topFrame = new HashMap<>();
        Map<String, Integer> inclusiveFloe = new HashMap<>();
        List<Long> fsyncMicros = new ArrayList<>();
        int samples = 0;
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            if (type.equals("jdk.FileForce")) {
                fsyncMicros.add(e.getDuration().toNanos() / 1000);
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) continue;
            RecordedStackTrace stack = e.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) continue;
            samples++;
            List<RecordedFrame> frames = stack.getFrames();
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            byThread.merge(threadGroup(thread), 1, Integer::sum);
            byCategory.merge(category(className(frames.get(0))), 1, Integer::sum);
            topFrame.merge(shortName(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            boolean nearestFound = false;
            for (RecordedFrame f : frames) {
                String cls = className(f);
                if (!cls.startsWith("dev.floe.") || cls.contains(".proto.")) continue;
                if (!nearestFound) {
                    nearestFloe.merge(shortName(f), 1, Integer::sum);
                    nearestFound = true;
                }
                if (seen.add(shortName(f))) inclusiveFloe.merge(shortName(f), 1, Integer::sum);
            }
        }
        out.printf(Locale.ROOT, "%d Java execution samples%n", samples);
        print(out, "by thread", byThread, samples, rows);
        print(out, "by what is on top of the stack", byCategory, samples, rows);
        print(out, "by the nearest hand-written Floe method (its own time and that of the JDK/library code it calls)", nearestFloe, samples, rows);
        print(out, "top frames (self time)", topFrame, samples, rows);
        print(out, "Floe methods on the stack (inclusive)", inclusiveFloe, samples, rows);
        if (!fsyncMicros.isEmpty()) {
            fsyncMicros.sort(null);
            out.printf(Locale.ROOT, "%njdk.FileForce: %d fsyncs recorded, p50 %d us, p90 %d us, p99 %d us%n", fsyncMicros.size(),
                    percentile(fsyncMicros, 0.50), percentile(fsyncMicros, 0.90), percentile(fsyncMicros, 0.99));
        }
    }

    /** Thread names with member ids and pool numbers folded ({@code floe-n2-apply} → {@code floe-n*-apply}). */
    static String threadGroup(String name) {
        return name.replaceAll("-n\\d+", "-n*").replaceAll("(-\\d+)+$", "");
    }

    /** A coarse bucket for the class on top of the stack. */
    static String category(String cls) {
        if (cls.startsWith("com.google.protobuf.") || cls.startsWith("dev.floe.raft.transport.proto.")) return "protobuf encode/decode";
        if (cls.startsWith("io.netty.")) return "netty (buffers, pipeline, event loop)";
        if (cls.startsWith("dev.floe.")) return "Floe's own code";
        if (cls.startsWith("java.util.concurrent.") || cls.startsWith("jdk.internal.misc.")) return "j.u.c queues, locks, futures";
        if (cls.matches("java\\.util\\.(Tree|Hash|LinkedHash)Map.*|java\\.util\\.ArrayDeque.*")) return "collections (HashMap, TreeMap, ...)";
        if (cls.startsWith("java.nio.") || cls.startsWith("sun.nio.")) return "java.nio buffers and channels";
        String[] parts = cls.split("\\.");
        return "other JDK (" + parts[0] + (parts.length > 1 ? "." + parts[1] : "") + ")";
    }

    private static String className(RecordedFrame f) {
        return f.getMethod().getType().getName();
    }

    private static String shortName(RecordedFrame f) {
        String cls = className(f);
        return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static void print(PrintStream out, String title, Map<String, Integer> counts, int total, int rows) {
        out.printf("%n%s%n", title);
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .limit(rows)
                .forEach(e -> out.printf(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    private static long percentile(List<Long> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) (p * sorted.size())));
    }
}

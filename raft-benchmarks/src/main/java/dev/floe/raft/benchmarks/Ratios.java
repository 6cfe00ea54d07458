package dev.floe.raft.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the storage and transport benchmarks (any JMH command-line option applies, e.g.
 * {@code -f 1 -wi 1 -i 2} for a quick run) and prints, after JMH's own table, one JSON line per
 * target: the Floe score, the raw score, their ratio with its error bar, and the target.
 *
 * <pre>java -cp raft-benchmarks/target/benchmarks.jar dev.floe.raft.benchmarks.Ratios [JMH options]</pre>
 */
public final class Ratios {
    private static final String STORAGE = "dev.floe.raft.benchmarks.storage.LogAppendBenchmark";
    private static final String TRANSPORT = "dev.floe.raft.benchmarks.transport.TransportThroughputBenchmark";

    private Ratios() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) options.include(STORAGE).include(TRANSPORT);
        Collection<RunResult> results = new Runner(options.build()).run();

        Map<String, Result<?>> scores = new LinkedHashMap<>();
        for (RunResult r : results) {
            String batch = r.getParams().getParam("batch");
            scores.put(r.getParams().getBenchmark() + (batch == null ? "" : "@" + batch), r.getPrimaryResult());
        }
        System.out.println();
        print(scores, "storage_batch_1_fsyncs", STORAGE + ".log@1", STORAGE + ".rawDisk@1", 0.90);
        print(scores, "storage_batch_256_mb", STORAGE + ".log@256", STORAGE + ".rawDisk@256", 0.85);
        print(scores, "transport_throughput", TRANSPORT + ".floe", TRANSPORT + ".rawNetty", 0.75);
    }

    private static void print(Map<String, Result<?>> scores, String name, String floeKey, String rawKey, double target) {
        Result<?> floe = scores.get(floeKey);
        Result<?> raw = scores.get(rawKey);
        if (floe == null || raw == null) return;
        Ratio ratio = Ratio.of(floe.getScore(), error(floe), raw.getScore(), error(raw));
        System.out.println(String.format(Locale.ROOT,
                "{\"bench\":\"%s\",\"floe_ops_per_sec\":%.1f,\"floe_error\":%.1f,\"raw_ops_per_sec\":%.1f,\"raw_error\":%.1f,"
                        + "\"ratio\":%.3f,\"ratio_error\":%.3f,\"target\":%.2f,\"met\":%s}",
                name, floe.getScore(), error(floe), raw.getScore(), error(raw), ratio.value(), ratio.error(), target,
                ratio.meets(target)));
    }

    /** JMH's 99.9% confidence half-width; 0 when a single iteration gives none. */
    private static double error(Result<?> r) {
        double e = r.getScoreError();
        return Double.isNaN(e) ? 0 : e;
    }
}

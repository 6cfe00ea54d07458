package dev.floe.raft.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What {@code raft-kv.jar bench} runs: one fresh cluster per (value size, in-flight) pair, in that
 * order, each printing one JSON line.
 *
 * @param inFlights  requests kept outstanding, one run each ({@code --in-flight 1,32,256})
 * @param valueSizes PUT value sizes in bytes, one run each ({@code --value-size 16,128,1024,4096,65536})
 * @param members    cluster size: 3, 5 or 7 ({@code --members})
 * @param reads      after the writes, the same cluster also serves reads of pre-loaded keys ({@code --reads linearizable|lease})
 * @param warmupSec  seconds before measuring ({@code --warmup})
 * @param measureSec seconds measured, for writes and again for reads ({@code --measure})
 */
public record KvBenchSettings(List<Integer> inFlights, List<Integer> valueSizes, int members, Reads reads,
                              int warmupSec, int measureSec) {

    /** Which reads follow the writes. */
    public enum Reads {
        /** Writes only (the peerbench workload). */
        NONE,
        /** Linearizable reads (ReadIndex, thesis §6.4) through the RaftClient, the writes' path. */
        LINEARIZABLE,
        /** Lease reads (thesis §6.4.1) at the leader's RaftServer, lease reads switched on. */
        LEASE
    }

    public KvBenchSettings {
        inFlights = List.copyOf(inFlights);
        valueSizes = List.copyOf(valueSizes);
        if (inFlights.isEmpty() || inFlights.stream().anyMatch(x -> x < 1)) throw new IllegalArgumentException("--in-flight needs positive integers");
        if (valueSizes.isEmpty() || valueSizes.stream().anyMatch(x -> x < 1 || x > (1 << 20))) {
            throw new IllegalArgumentException("--value-size needs sizes from 1 to 1048576 bytes");
        }
        if (members != 3 && members != 5 && members != 7) throw new IllegalArgumentException("--members must be 3, 5 or 7, got " + members);
        if (warmupSec < 0 || measureSec < 1) throw new IllegalArgumentException("--measure must be >= 1, --warmup >= 0");
    }

    /** Reads the settings from {@code option} (name to value, or null when not given), with the peerbench defaults. */
    public static KvBenchSettings parse(Function<String, String> option) {
        return new KvBenchSettings(
                list("--in-flight", option.apply("--in-flight"), "1,32,256"),
                list("--value-size", option.apply("--value-size"), "128"),
                number("--members", option.apply("--members"), 3),
                reads(option.apply("--reads")),
                number("--warmup", option.apply("--warmup"), 5),
                number("--measure", option.apply("--measure"), 10));
    }

    private static Reads reads(String value) {
        if (value == null) return Reads.NONE;
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "linearizable" -> Reads.LINEARIZABLE;
            case "lease" -> Reads.LEASE;
            default -> throw new IllegalArgumentException("--reads must be linearizable or lease, got '" + value + "'");
        };
    }

    /** The comma-separated integers of option {@code name} ({@code fallback} when not given), each checked like any number. */
    public static List<Integer> list(String name, String value, String fallback) {
        List<Integer> out = new ArrayList<>();
        for (String s : (value == null ? fallback : value).split(",")) {
            if (s.isBlank()) continue;
            out.add(number(name, s.trim(), 0));
        }
        return out;
    }

    private static int number(String name, String value, int fallback) {
        if (value == null) return fallback;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects numbers, got '" + value + "'");
        }
    }
}

package dev.floe.raft.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The groups bench splits its CPU per operation by kind of thread, from Linux's per-thread counters. */
class ThreadCpuTest {

    @Test
    void threadsAreSortedByTheirLinuxNames() {
        assertThat(ThreadCpu.kind("floe-h1-consens")).isEqualTo("consensus");
        assertThat(ThreadCpu.kind("floe-h12-disk-3")).isEqualTo("disk");
        assertThat(ThreadCpu.kind("floe-h1-user-0")).isEqualTo("user");
        assertThat(ThreadCpu.kind("floe-netty-h1-0")).isEqualTo("netty");
        assertThat(ThreadCpu.kind("floe-group-log-")).isEqualTo("log_writer");
        assertThat(ThreadCpu.kind("peerbench-drive")).isEqualTo("driver");
        assertThat(ThreadCpu.kind("C2 CompilerThre")).isEqualTo("jit");
        assertThat(ThreadCpu.kind("GC Thread#3")).isEqualTo("gc");
        assertThat(ThreadCpu.kind("main")).isEqualTo("other");
    }

    @Test
    void cpuPerOperationIsTheDifferenceOverTheOperations() {
        Map<String, Long> before = Map.of("consensus", 1_000_000L, "netty", 0L);
        Map<String, Long> after = Map.of("consensus", 3_000_000L, "netty", 500_000L, "jit", 1_000_000L);
        Map<String, Double> perOp = ThreadCpu.perOp(before, after, 100);
        assertThat(perOp).containsEntry("consensus", 20.0).containsEntry("netty", 5.0).containsEntry("jit", 10.0);
        assertThat(perOp).doesNotContainKey("disk");
        assertThat(ThreadCpu.perOp(before, after, 0)).isEmpty();
    }

    @Test
    void aBusyThreadShowsUpInTheSnapshot() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        Map<String, Long> before = ThreadCpu.snapshot();
        long spin = System.nanoTime() + 300_000_000L;
        long x = 0;
        while (System.nanoTime() < spin) x += Long.numberOfTrailingZeros(x + System.nanoTime());
        Map<String, Long> after = ThreadCpu.snapshot();
        long total = after.values().stream().mapToLong(Long::longValue).sum()
                - before.values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).as("CPU counted over 300 ms of spinning (checksum %d)", x).isGreaterThan(0);
    }
}

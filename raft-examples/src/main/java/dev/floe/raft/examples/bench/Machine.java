package dev.floe.raft.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What the benchmarks record about the machine next to every figure: its load and its disk. */
final class Machine {
    private Machine() {
    }

    /** The 1-, 5- and 15-minute load averages as {@code uptime} shows them, or the 1-minute one alone. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(java.util.Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /**
     * The raw disk's sequential MB/s under {@code dir} for {@code seconds}: 1 MiB written at the end
     * of a file and {@code FileChannel.force(false)}, in a loop (the log writes at most 1 MiB before
     * a force, see StorageOptions.maxWriteBytes). The file is deleted afterwards.
     */
    static double rawDiskMbPerSec(Path dir, double seconds) throws IOException {
        Path file = Files.createTempFile(dir, "raw-disk-", ".bin");
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        long bytes = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (System.nanoTime() < end) {
                chunk.clear();
                while (chunk.hasRemaining()) bytes += channel.write(chunk, bytes);
                channel.force(false);
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
    }
}

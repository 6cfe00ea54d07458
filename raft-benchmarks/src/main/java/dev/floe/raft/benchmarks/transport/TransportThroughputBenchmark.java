package dev.floe.raft.benchmarks.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loopback throughput of {@code NettyTransport} against raw Netty, with the same frames both ways.
 * One operation sends one AppendRequest of {@code entries} × {@code entryBytes} (Floe) or one frame
 * of the same wire size (raw); the receiver answers each with an AppendResponse (Floe) or a frame of
 * the response's wire size (raw). At most {@link #WINDOW} messages are unanswered, so neither side
 * overflows a queue; the score is messages per second, the ratio floe/rawNetty the target's.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class TransportThroughputBenchmark {
    static final int WINDOW = 1024;

    /** Shape of the AppendRequest: how many entries, how many bytes each. */
    @State(Scope.Benchmark)
    public static class Shape {
        @Param({"64"})
        public int entries;

        @Param({"128"})
        public int entryBytes;
    }

    @State(Scope.Benchmark)
    public static class Floe {
        FloeLink link;
        long sent;

        @Setup(Level.Trial)
        public void open(Shape shape) throws Exception {
            link = new FloeLink(shape.entries, shape.entryBytes);
            link.roundTrip();
            sent = link.acked.get();
        }

        @TearDown(Level.Trial)
        public void close() {
            link.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Raw {
        RawNettyLink link;
        long sent;

        @Setup(Level.Trial)
        public void open(Shape shape) throws Exception {
            FloeLink.FrameSizes sizes;
            try (FloeLink floe = new FloeLink(shape.entries, shape.entryBytes)) {
                sizes = floe.frameSizes();
            }
            link = new RawNettyLink(sizes);
        }

        @TearDown(Level.Trial)
        public void close() {
            link.close();
        }
    }

    @Benchmark
    public void floe(Floe s) {
        awaitWindow(s.sent, s.link.acked);
        s.link.leader.send(s.link.request);
        s.sent++;
    }

    @Benchmark
    public void rawNetty(Raw s) {
        awaitWindow(s.sent, s.link.acked);
        s.link.send();
        s.sent++;
    }

    /** Waits until fewer than WINDOW messages are unanswered; a link that lost messages fails the run. */
    private static void awaitWindow(long sent, AtomicLong acked) {
        if (sent - acked.get() < WINDOW) return;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sent - acked.get() >= WINDOW) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("no answer for 10 s: messages were lost");
            LockSupport.parkNanos(10_000);
        }
    }
}

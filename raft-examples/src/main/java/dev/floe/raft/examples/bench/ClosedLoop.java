package dev.floe.raft.examples.bench;

import dev.floe.raft.Bytes;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The peerbench driver ({@code peerbench.common.Bench}): a closed loop keeping exactly
 * {@code inFlight} requests outstanding, HdrHistogram {@link Recorder}(3) latency from just before
 * the call to the completion callback, a 1 ms hold-back of a slot after an error, a warm-up whose
 * latencies are discarded, then a measured window. The request is whatever {@code request} makes
 * from the driver's random stream (seed 7); {@code ok} tells a good answer from a wrong one.
 */
final class ClosedLoop {
    private static final long ERROR_BACKOFF_MS = 1;

    private ClosedLoop() {
    }

    /** What one measured window gave. */
    record Measurement(double opsPerSec, double p50Us, double p99Us, double p999Us, long errors, double measureS,
                       double cpusUsed, double cpuUsPerOp, java.util.Map<String, Double> cpuUsPerOpByThread) {
    }

    static Measurement run(int inFlight, int warmupSec, int measureSec, Function<SplittableRandom, CompletableFuture<Bytes>> request,
                           Predicate<Bytes> ok, PrintStream log) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong errors = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        Semaphore permits = new Semaphore(inFlight);
        ScheduledExecutorService releaseAfterError = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peerbench-error-backoff");
            t.setDaemon(true);
            return t;
        });
        boolean[] stop = {false};
        Object stopLock = new Object();
        Thread driver = new Thread(() -> {
            SplittableRandom rnd = new SplittableRandom(7);
            while (true) {
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (stopLock) {
                    if (stop[0]) {
                        permits.release();
                        return;
                    }
                }
                long start = System.nanoTime();
                try {
                    request.apply(rnd).whenComplete((result, err) -> {
                        long latency = System.nanoTime() - start;
                        if (err == null && ok.test(result)) {
                            recorder.recordValue(latency);
                            permits.release();
                        } else {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, err != null ? err : new IllegalStateException("wrong answer of " + result.size() + " bytes"));
                            releaseAfterError.schedule(() -> permits.release(), ERROR_BACKOFF_MS, TimeUnit.MILLISECONDS);
                        }
                    });
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e);
                    releaseAfterError.schedule(() -> permits.release(), ERROR_BACKOFF_MS, TimeUnit.MILLISECONDS);
                }
            }
        }, "peerbench-driver");
        driver.setDaemon(true);
        driver.start();

        sleepSeconds(warmupSec);
        recorder.getIntervalHistogram(); // discard warmup
        long errorsAtStart = errors.get();
        long cpuStart = processCpuNanos();
        java.util.Map<String, Long> threadsStart = ThreadCpu.snapshot();
        long measureStart = System.nanoTime();
        sleepSeconds(measureSec);
        Histogram h = recorder.getIntervalHistogram();
        long measureEnd = System.nanoTime();
        long cpuEnd = processCpuNanos();
        java.util.Map<String, Long> threadsEnd = ThreadCpu.snapshot();
        long measureErrors = errors.get() - errorsAtStart;

        synchronized (stopLock) {
            stop[0] = true;
        }
        driver.interrupt();
        driver.join(5000);
        if (!permits.tryAcquire(inFlight, 15, TimeUnit.SECONDS)) {
            log.printf("[peerbench] warning: %d requests still outstanding at shutdown%n", inFlight - permits.availablePermits());
        }
        releaseAfterError.shutdownNow();
        if (firstError.get() != null) log.println("[peerbench] first error seen (warmup or measure): " + firstError.get());

        double measureS = (measureEnd - measureStart) / 1e9;
        long n = h.getTotalCount();
        boolean cpuKnown = cpuStart >= 0 && cpuEnd >= 0;
        return new Measurement(n / measureS,
                n == 0 ? 0 : h.getValueAtPercentile(50.0) / 1000.0,
                n == 0 ? 0 : h.getValueAtPercentile(99.0) / 1000.0,
                n == 0 ? 0 : h.getValueAtPercentile(99.9) / 1000.0,
                measureErrors, measureS,
                cpuKnown ? (cpuEnd - cpuStart) / (double) (measureEnd - measureStart) : -1,
                cpuKnown && n > 0 ? (cpuEnd - cpuStart) / 1000.0 / n : -1,
                ThreadCpu.perOp(threadsStart, threadsEnd, n));
    }

    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    static void sleepSeconds(int s) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(s);
        long left;
        while ((left = end - System.nanoTime()) > 0) TimeUnit.NANOSECONDS.sleep(left);
    }
}

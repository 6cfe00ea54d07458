package dev.floe.raft.transport.netty;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings about refused or misbehaving connections, at most one line per source per interval.
 *
 * <p>The first event from a source is logged at once; further events from it within the interval
 * are only counted, and the next line logged for that source says how many were left out. So a
 * flood of garbage connections from one address costs one line per interval, not one per
 * connection, and no event is silently forgotten while its source keeps sending.
 *
 * <p>At most {@link #MAX_SOURCES} sources are tracked: beyond that, quiet ones are forgotten and
 * the rest share one line for "other sources". Thread-safe.
 */
public final class RateLimitedLog {
    /** Sources tracked at once; an attacker with many addresses cannot grow the map without bound. */
    public static final int MAX_SOURCES = 4096;
    private static final String OTHERS = "other sources";

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new HashMap<>();

    /**
     * One line per source per {@code interval}, timed by {@link System#nanoTime}.
     *
     * @param log      where the lines go
     * @param interval the least time between two lines of one source
     */
    public RateLimitedLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    /**
     * As above, with the clock given (nanoseconds, monotonic).
     *
     * @param log      where the lines go
     * @param interval the least time between two lines of one source
     * @param nanoTime the clock
     */
    public RateLimitedLog(Logger log, Duration interval, LongSupplier nanoTime) {
        this.log = Objects.requireNonNull(log, "log");
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be positive: " + interval);
        this.intervalNanos = interval.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * Records one event from {@code source} and logs {@code message} at WARN unless this source
     * already had a line within the interval.
     *
     * @return whether a line was logged
     * @param source  who caused the event (for example a remote address)
     * @param message the line to log
     */
    public boolean warn(String source, String message) {
        String line;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            Window w = window(source, now);
            if (w.logged && now - w.lastLineNanos < intervalNanos) {
                w.suppressed++;
                return false;
            }
            line = w.suppressed == 0 ? message
                    : message + " (and " + w.suppressed + " more from " + w.source + " since the last line)";
            w.logged = true;
            w.lastLineNanos = now;
            w.suppressed = 0;
        }
        log.warn(line);
        return true;
    }

    private Window window(String source, long now) {
        Window w = windows.get(source);
        if (w != null) return w;
        if (windows.size() >= MAX_SOURCES) forgetQuiet(now);
        String key = windows.size() >= MAX_SOURCES ? OTHERS : source;
        return windows.computeIfAbsent(key, Window::new);
    }

    /** Drops the sources whose last line is older than the interval and that have nothing left to report. */
    private void forgetQuiet(long now) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (w.suppressed == 0 && now - w.lastLineNanos >= intervalNanos) it.remove();
        }
    }

    private static final class Window {
        final String source;
        boolean logged;
        long lastLineNanos;
        long suppressed;

        Window(String source) {
            this.source = source;
        }
    }
}

package dev.floe.raft.examples.kv;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The history of one register written by <b>one sequential writer</b> with distinct values
 * ({@code "w1"}, {@code "w2"}, ...) and read by any number of readers, with a linearizability
 * check. With one sequential writer the writes take effect, if at all, in the order they were
 * issued (write k+1 is issued after write k returned; a write whose outcome is unknown may take
 * effect later than it returned, but never after a later write, as its entry precedes the later
 * one in the log or is overwritten). So each read names a point in that order, and a history is
 * linearizable exactly when, for every read (invoked at a, answered at b) returning write k:
 * <ol>
 *   <li>write k was invoked before b (no value from the future);</li>
 *   <li>no write j > k was acknowledged before a (no stale value: j had taken effect);</li>
 *   <li>no read answered before a returned a write j > k (reads never go back in time).</li>
 * </ol>
 * Times are {@link System#nanoTime()}. Thread-safe.
 */
final class RegisterHistory {
    /** A write: its number (1, 2, ...), when it was invoked and, if acknowledged, answered. */
    record Write(int number, long invoked, long acknowledged) {
        boolean isAcknowledged() {
            return acknowledged > 0;
        }
    }

    /** A read: how it was made, when, and the write it saw (0: the register was empty). */
    record Read(String how, long invoked, long answered, int saw) {
    }

    private final List<Write> writes = new ArrayList<>();
    private final List<Read> reads = new ArrayList<>();

    static String value(int number) {
        return "w" + number;
    }

    synchronized void wrote(int number, long invoked, long acknowledgedOrZero) {
        writes.add(new Write(number, invoked, acknowledgedOrZero));
    }

    synchronized void read(String how, long invoked, long answered, Optional<String> value) {
        reads.add(new Read(how, invoked, answered, value.map(v -> Integer.parseInt(v.substring(1))).orElse(0)));
    }

    synchronized int acknowledgedWrites() {
        return (int) writes.stream().filter(Write::isAcknowledged).count();
    }

    synchronized int reads(String how) {
        return (int) reads.stream().filter(r -> r.how().equals(how)).count();
    }

    /** Every violation of the three rules above, described; empty when the history is linearizable. */
    synchronized List<String> violations() {
        Map<Integer, Write> byNumber = new HashMap<>();
        for (Write w : writes) byNumber.put(w.number(), w);
        List<String> found = new ArrayList<>();
        for (Read r : reads) {
            if (r.saw() > 0) {
                Write w = byNumber.get(r.saw());
                if (w == null || w.invoked() > r.answered()) found.add(r + " saw a value not yet written");
            }
            for (Write j : writes) {
                if (j.number() > r.saw() && j.isAcknowledged() && j.acknowledged() < r.invoked()) {
                    found.add(r + " is stale: " + j + " was acknowledged " + (r.invoked() - j.acknowledged()) / 1_000_000 + " ms before it");
                    break;
                }
            }
            for (Read earlier : reads) {
                if (earlier.answered() < r.invoked() && earlier.saw() > r.saw()) {
                    found.add(r + " went back in time: " + earlier + " had already seen w" + earlier.saw());
                    break;
                }
            }
        }
        return found;
    }
}

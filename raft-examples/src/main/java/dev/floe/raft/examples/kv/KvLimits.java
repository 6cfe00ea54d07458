package dev.floe.raft.examples.kv;

import java.nio.charset.StandardCharsets;

/**
 * The size limits of raft-kv, checked at the HTTP edge before anything reaches the log (and again
 * when a command is decoded, so a bad command can never be applied).
 */
public final class KvLimits {
    /** Largest key, in UTF-8 bytes; keys are never empty. */
    public static final int MAX_KEY_BYTES = 1024;
    /** Largest value (and {@code prev} of a compare-and-set), in bytes. */
    public static final int MAX_VALUE_BYTES = 1 << 20;

    private KvLimits() {
    }

    /** The UTF-8 bytes of {@code key}, or an {@link IllegalArgumentException} saying why it is refused. */
    public static byte[] checkKey(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) throw new IllegalArgumentException("the key is empty");
        if (bytes.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("the key has " + bytes.length + " bytes; at most " + MAX_KEY_BYTES + " are allowed");
        }
        return bytes;
    }

    /** Whether a value of {@code length} bytes is within {@link #MAX_VALUE_BYTES}. */
    public static boolean valueFits(long length) {
        return length <= MAX_VALUE_BYTES;
    }
}

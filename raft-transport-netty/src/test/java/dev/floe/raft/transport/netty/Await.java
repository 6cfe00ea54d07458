package dev.floe.raft.transport.netty;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** This module's argument order for the shared poller, {@link dev.floe.raft.testkit.Await}. */
final class Await {
    private Await() {
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) {
        dev.floe.raft.testkit.Await.until(timeout, what, condition);
    }

    /** Polls until {@code supplier} returns non-null. */
    static <T> T value(String what, Duration timeout, Supplier<T> supplier) {
        return dev.floe.raft.testkit.Await.value(timeout, what, () -> Optional.ofNullable(supplier.get()));
    }
}

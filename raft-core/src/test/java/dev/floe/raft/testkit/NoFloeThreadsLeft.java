package dev.floe.raft.testkit;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test (and after its {@code @AfterEach} methods closed what it started), waits a
 * bounded time for every {@code floe-} thread to end, and fails naming those still alive: a closed
 * server leaves no thread behind. Use with {@code @ExtendWith(NoFloeThreadsLeft.class)}.
 */
public final class NoFloeThreadsLeft implements AfterEachCallback {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            Await.until(WAIT, "no floe- threads left", () -> Await.floeThreads().isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError("floe- threads still alive " + WAIT + " after the test: " + Await.floeThreads(), e);
        }
    }
}

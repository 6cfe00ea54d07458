package dev.floe.raft.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reports a {@code ByteBuf} that was garbage-collected
 * without being released. Registered for every test class of this module through
 * {@code META-INF/services} (autodetection is on in the surefire configuration, which also sets the
 * detector to PARANOID so every buffer is tracked).
 *
 * <p>The detector only notices a leak when the buffer has been collected and another buffer is then
 * allocated, so {@link #collectLeaks()} runs a few GC-and-allocate rounds before looking.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    /** Set once JUnit has applied this extension to a test class (proves the service registration works). */
    static volatile boolean active;

    static {
        ByteBufUtil.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + ":\n" + records));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        active = true;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = collectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n\n", leaks));
        }
    }

    /** Forces pending leak reports out and returns (and forgets) every leak seen so far. */
    static List<String> collectLeaks() {
        for (int round = 0; round < 5; round++) {
            System.gc();
            System.runFinalization();
            // Allocation is what makes the detector poll its reference queue.
            for (int i = 0; i < 50; i++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(8);
                a.release();
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
                b.release();
            }
        }
        List<String> found = new ArrayList<>(LEAKS);
        LEAKS.removeAll(found);
        return found;
    }
}

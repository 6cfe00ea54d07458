package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shows that the module's leak check is live: a deliberately dropped buffer is reported. */
class LeakCheckExtensionTest {

    @Test
    void theDetectorRunsAtParanoidLevelAndTheCheckIsRegistered() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(LeakCheckExtension.active).as("LeakCheckExtension applied through autodetection").isTrue();
    }

    @Test
    void anUnreleasedBufferIsReported() {
        leakOne();
        List<String> leaks = new ArrayList<>();
        Await.until("the leak report", Duration.ofSeconds(20), () -> {
            leaks.addAll(LeakCheckExtension.collectLeaks());
            return !leaks.isEmpty();
        });
        // The report was consumed here, so this deliberate leak does not fail the class.
        assertThat(leaks).anySatisfy(report -> assertThat(report).contains("ByteBuf").contains("leakOne"));
    }

    private static void leakOne() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(42);
        leaked.touch("leakOne");
    }
}

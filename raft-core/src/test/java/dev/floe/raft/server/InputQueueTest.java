package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.HeartbeatRequest;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The consensus loop's input queue wakes the loop for every input, except a durability report
 * while the loop said it does not need one at once (a follower with nothing committed waiting to
 * become durable): that report is still queued, in order, for the next run.
 */
class InputQueueTest {
    private final AtomicInteger wakes = new AtomicInteger();
    private final InputQueue queue = new InputQueue();

    InputQueueTest() {
        queue.consumer(new Scheduler.Activity() {
            @Override
            public void wake() {
                wakes.incrementAndGet();
            }

            @Override
            public boolean awaitDone(long timeoutMillis) {
                return false;
            }
        });
        wakes.set(0);
    }

    @Test
    void aDurabilityReportTheLoopDoesNotNeedIsQueuedWithoutAWake() {
        queue.wakeOnPersisted(false);
        queue.add(new Input.Persisted(5, 1));
        assertThat(wakes).hasValue(0);
        assertThat(queue.isEmpty()).as("the report waits for the next run").isFalse();

        Input.Received message = new Input.Received(new HeartbeatRequest(NodeId.of("n1"), NodeId.of("n2"), 1, 5, 0));
        queue.add(message);
        assertThat(wakes).as("any other input wakes the loop").hasValue(1);
        assertThat(queue.poll()).isEqualTo(new Input.Persisted(5, 1));
        assertThat(queue.poll()).isSameAs(message);
    }

    @Test
    void aDurabilityReportWakesTheLoopByDefaultAndWhenAskedTo() {
        queue.add(new Input.Persisted(5, 1));
        assertThat(wakes).hasValue(1);
        queue.wakeOnPersisted(false);
        queue.wakeOnPersisted(true);
        queue.add(new Input.Persisted(6, 1));
        assertThat(wakes).hasValue(2);
    }
}

package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Entry;
import dev.floe.raft.HardState;
import dev.floe.raft.NodeId;
import dev.floe.raft.Transport;
import dev.floe.raft.message.Message;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The persist pipeline's two paths: a job that only extends the log is appended by the caller (the
 * consensus thread) without a hand-off, and every other job, or one behind a queued job, waits for
 * the activity, so the log still receives the Readies' entries in Ready order (Ready contract).
 */
class PersistPipelineTest {
    private final MemoryLogStorage log = new MemoryLogStorage();
    private final MemoryHardStateStore hardStates = new MemoryHardStateStore();
    private final List<Input> inputs = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final PersistPipeline pipeline = new PersistPipeline(NodeId.of("n1"), hardStates, log, new NoTransport(),
            inputs::add, (what, e) -> failures.add(what + ": " + e), 1_000, Clock.system());

    PersistPipelineTest() {
        pipeline.start(scheduler, "persist");
    }

    private static Entry entry(long term, long index) {
        return Entry.command(term, index, Bytes.utf8("c" + index));
    }

    private static PersistPipeline.Job entries(Entry... entries) {
        return new PersistPipeline.Job(Optional.empty(), List.of(entries), List.of());
    }

    @Test
    void entriesThatOnlyExtendTheLogAreAppendedWithoutWaitingForTheActivity() {
        pipeline.submit(entries(entry(1, 1), entry(1, 2)));

        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(scheduler.runs).isZero();
        assertThat(inputs).containsExactly(new Input.Persisted(2, 1));
    }

    @Test
    void entriesBehindAQueuedHardStateWaitForItAndKeepReadyOrder() {
        pipeline.submit(new PersistPipeline.Job(Optional.of(new HardState(1, Optional.of(NodeId.of("n1")))),
                List.of(entry(1, 1)), List.of()));
        pipeline.submit(entries(entry(1, 2)));

        assertThat(log.lastIndex()).isZero(); // appending index 2 first would have left a hole
        assertThat(pipeline.hardStatePending()).isTrue();
        scheduler.runQueued();

        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(hardStates.load().term()).isEqualTo(1);
        assertThat(inputs).containsExactly(new Input.Persisted(1, 1), new Input.Persisted(2, 1));
        assertThat(failures).isEmpty();

        pipeline.submit(entries(entry(1, 3))); // the queue is empty again: no hand-off
        assertThat(log.lastIndex()).isEqualTo(3);
    }

    @Test
    void anAppendThatOverwritesASuffixIsLeftToTheActivity() {
        pipeline.submit(entries(entry(1, 1), entry(1, 2)));
        pipeline.submit(entries(entry(2, 2)));

        assertThat(log.term(2)).isEqualTo(1);
        scheduler.runQueued();
        assertThat(log.term(2)).isEqualTo(2);
        assertThat(inputs).containsExactly(new Input.Persisted(2, 1), new Input.Persisted(2, 2));
    }

    /** Runs the one activity only when the test says so. */
    private static final class ManualScheduler implements Scheduler {
        private Task task;
        int runs;

        @Override
        public Activity start(String name, Task t) {
            task = t;
            return new Activity() {
                @Override
                public void wake() {
                }

                @Override
                public boolean awaitDone(long timeoutMillis) {
                    return false;
                }
            };
        }

        void runQueued() {
            runs++;
            task.run();
        }

        @Override
        public SplittableRandom newRandom() {
            return new SplittableRandom(1);
        }
    }

    private static final class NoTransport implements Transport {
        @Override
        public void start(NodeId self, Consumer<Message> inbound) {
        }

        @Override
        public void send(Message message) {
        }

        @Override
        public void addPeer(NodeId peer, Endpoint endpoint) {
        }

        @Override
        public void removePeer(NodeId peer) {
        }

        @Override
        public void close() {
        }
    }
}

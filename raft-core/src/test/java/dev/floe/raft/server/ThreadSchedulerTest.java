package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.testkit.Await;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The production scheduler's hand-off: no wake-up is lost, and a wake while the task runs costs exactly one more run. */
class ThreadSchedulerTest {

    @Test
    void aWakeWhileTheTaskRunsMakesItRunOnceMoreAndThenPark() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Thread> thread = new AtomicReference<>();
        AtomicReference<Scheduler.Activity> self = new AtomicReference<>();
        Scheduler.Activity activity = Scheduler.threads().start("scheduler-test-self-wake", () -> {
            thread.set(Thread.currentThread());
            // The first run gets new work while it runs (the activity is woken from inside it).
            if (runs.incrementAndGet() == 1) {
                Await.until(Duration.ofSeconds(5), "the activity to be published", () -> self.get() != null);
                self.get().wake();
            }
            return Scheduler.IDLE;
        });
        self.set(activity);
        Await.until(Duration.ofSeconds(5), "the activity to park", () -> runs.get() >= 2 && thread.get() != null
                && thread.get().getState() == Thread.State.WAITING);
        // A stray unpark permit from that wake would have made the first park return at once and
        // the task run a third time with nothing to do before this thread could see it parked.
        assertThat(runs.get()).isEqualTo(2);
        activity.wake();
        Await.until(Duration.ofSeconds(5), "a wake of the parked activity to run it", () -> runs.get() == 3);
    }

    @Test
    void noWakeIsLostWhenWorkArrivesFromManyThreadsWhileTheTaskRunsAndParks() throws Exception {
        ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
        AtomicInteger taken = new AtomicInteger();
        Scheduler.Activity activity = Scheduler.threads().start("scheduler-test-producers", () -> {
            while (queue.poll() != null) taken.incrementAndGet();
            return Scheduler.IDLE;
        });
        int producers = 4;
        int each = 20_000;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            threads[p] = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    queue.add(i);
                    activity.wake();
                    if (i % 64 == 0) Thread.yield(); // let the consumer drain and park in between
                }
            });
            threads[p].start();
        }
        for (Thread t : threads) t.join();
        // Without a lost wake-up the last item is taken; with one, the consumer stays parked with work queued.
        Await.until(Duration.ofSeconds(10), "every item taken", () -> taken.get() == producers * each);
        assertThat(queue).isEmpty();
    }
}

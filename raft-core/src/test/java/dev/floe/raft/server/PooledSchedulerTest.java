package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scenarios for {@link Scheduler#pool}: the rules a shared pool must keep for the runtime's activities. */
class PooledSchedulerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration SLOT = Duration.ofMillis(1);
    private Scheduler.Pool pool;

    @AfterEach
    void close() {
        if (pool != null) pool.close();
    }

    /** Never two runs of one activity at once, and each run sees the previous run's plain writes. */
    @Test
    void runsEachActivitySeriallyUnderContention() throws Exception {
        pool = Scheduler.pool("serial", 4, SLOT);
        int activities = 6;
        int wakesPerWaker = 20_000;
        AtomicInteger overlaps = new AtomicInteger();
        List<SerialProbe> probes = new ArrayList<>();
        List<Scheduler.Activity> started = new ArrayList<>();
        for (int i = 0; i < activities; i++) {
            SerialProbe probe = new SerialProbe(overlaps);
            probes.add(probe);
            started.add(pool.start("probe-" + i, probe));
        }
        List<Thread> wakers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            Thread t = new Thread(() -> {
                for (int k = 0; k < wakesPerWaker; k++) started.get(k % activities).wake();
            });
            wakers.add(t);
            t.start();
        }
        for (Thread t : wakers) t.join();
        // Every wake after the last run started is followed by one more run: wait for the runs to settle.
        for (Scheduler.Activity a : started) a.wake();
        Await.until(WAIT, "the probes to settle", () -> probes.stream().allMatch(p -> p.settled()));
        assertThat(overlaps.get()).isZero();
        for (SerialProbe p : probes) {
            // Plain (non-volatile) counter kept in step with an atomic one: a missing happens-before shows as a lost update.
            assertThat(p.plainRuns).isEqualTo(p.runs.get()).isGreaterThan(0);
        }
    }

    private static final class SerialProbe implements Scheduler.Task {
        private final AtomicInteger overlaps;
        private final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger runs = new AtomicInteger();
        int plainRuns;
        private volatile long lastRunNanos;

        SerialProbe(AtomicInteger overlaps) {
            this.overlaps = overlaps;
        }

        @Override
        public long run() {
            if (inside.incrementAndGet() != 1) overlaps.incrementAndGet();
            plainRuns++;
            runs.incrementAndGet();
            Thread.onSpinWait();
            inside.decrementAndGet();
            lastRunNanos = System.nanoTime();
            return Scheduler.IDLE;
        }

        boolean settled() {
            return System.nanoTime() - lastRunNanos > TimeUnit.MILLISECONDS.toNanos(200);
        }
    }

    @Test
    void runsAnIdleActivityAgainAtItsDeadline() throws Exception {
        pool = Scheduler.pool("deadline", 2, SLOT);
        AtomicLong deadline = new AtomicLong();
        AtomicLong secondRunAt = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(1);
        pool.start("timed", () -> {
            long now = System.nanoTime();
            if (runs.incrementAndGet() == 1) {
                deadline.set(now + TimeUnit.MILLISECONDS.toNanos(50));
                return deadline.get();
            }
            secondRunAt.set(now);
            second.countDown();
            return Scheduler.IDLE;
        });
        // Nothing wakes it: only the deadline can bring the second run.
        assertThat(second.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(secondRunAt.get() - deadline.get()).isGreaterThanOrEqualTo(0);
    }

    /**
     * A busy activity asks for the same deadline after each of its many runs (a group's next tick):
     * the timer keeps one entry for it, and that entry still brings the run due at the deadline once
     * the wakes stop. Wakes race the runs from another thread, so some runs park with the entry
     * already armed, some while the timer is taking it.
     */
    @Test
    void theSameDeadlineAskedByManyRunsStillBringsARunAtIt() throws Exception {
        pool = Scheduler.pool("same-deadline", 2, SLOT);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        AtomicLong lastRunAt = new AtomicLong();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch atDeadline = new CountDownLatch(1);
        Scheduler.Activity activity = pool.start("busy", () -> {
            long now = System.nanoTime();
            runs.incrementAndGet();
            lastRunAt.set(now);
            if (now - deadline >= 0) {
                atDeadline.countDown();
                return Scheduler.IDLE;
            }
            return deadline;
        });
        for (int i = 0; i < 10_000 && System.nanoTime() - deadline < -TimeUnit.MILLISECONDS.toNanos(50); i++) {
            activity.wake();
            if (i % 16 == 0) Thread.onSpinWait();
        }
        assertThat(atDeadline.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("a run at the deadline").isTrue();
        assertThat(runs.get()).isGreaterThan(1);
        assertThat(lastRunAt.get() - deadline).isGreaterThanOrEqualTo(0);
    }

    /**
     * A deadline a later run no longer asks for wakes nobody: on one worker, activity A's first run
     * asks for a deadline, its second (woken) run asks for none, and B's deadline comes after A's
     * old one. The timer takes entries in deadline order and the worker runs in FIFO order, so had
     * A's stale entry woken it, A's third run would come before B's second.
     */
    @Test
    void aDeadlineNoLongerAskedForWakesNobody() throws Exception {
        pool = Scheduler.pool("stale", 1, SLOT);
        long slot = TimeUnit.MILLISECONDS.toNanos(1);
        AtomicInteger aRuns = new AtomicInteger();
        CountDownLatch aFirst = new CountDownLatch(1);
        CountDownLatch aSecond = new CountDownLatch(1);
        long aDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        Scheduler.Activity a = pool.start("a", () -> {
            int run = aRuns.incrementAndGet();
            if (run == 1) {
                aFirst.countDown();
                return aDeadline;
            }
            aSecond.countDown();
            return Scheduler.IDLE;
        });
        assertThat(aFirst.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        a.wake();
        assertThat(aSecond.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        AtomicInteger aRunsSeenByB = new AtomicInteger(-1);
        CountDownLatch bSecond = new CountDownLatch(1);
        AtomicInteger bRuns = new AtomicInteger();
        pool.start("b", () -> {
            if (bRuns.incrementAndGet() == 1) return aDeadline + 20 * slot;
            aRunsSeenByB.set(aRuns.get());
            bSecond.countDown();
            return Scheduler.IDLE;
        });
        assertThat(bSecond.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(aRunsSeenByB.get()).as("A's runs when B's later deadline came").isEqualTo(2);
    }

    /**
     * Hand-offs between activities and from outside never get lost: workers park when the queue is
     * empty and are unparked only when parked, so a wake that races a worker going to sleep must
     * still run its activity. Activities pass a token around a ring 20,000 times, each pass one wake
     * from a worker; a lost wake-up would stop the ring.
     */
    @Test
    void noWakeIsLostWhenWorkersParkAndUnpark() throws Exception {
        pool = Scheduler.pool("handoff", 2, SLOT);
        int ringSize = 5;
        int passes = 20_000;
        Scheduler.Activity[] ring = new Scheduler.Activity[ringSize];
        AtomicInteger[] tokens = new AtomicInteger[ringSize];
        AtomicInteger passed = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        for (int i = 0; i < ringSize; i++) tokens[i] = new AtomicInteger();
        for (int i = 0; i < ringSize; i++) {
            int me = i;
            ring[i] = pool.start("ring-" + i, () -> {
                int held = tokens[me].getAndSet(0);
                for (int t = 0; t < held; t++) {
                    if (passed.incrementAndGet() >= passes) {
                        done.countDown();
                        return Scheduler.IDLE;
                    }
                    tokens[(me + 1) % ringSize].incrementAndGet();
                    ring[(me + 1) % ringSize].wake();
                }
                return Scheduler.IDLE;
            });
        }
        tokens[0].incrementAndGet();
        ring[0].wake();
        boolean finished = done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(finished).as("the token went round " + passes + " times (passed " + passed.get() + ")").isTrue();
    }

    /** Deadlines are rounded up to the timer slot: activities due within one slot run together at its end. */
    @Test
    void deadlinesAreRoundedUpToTheTimerSlot() throws Exception {
        long slot = TimeUnit.MILLISECONDS.toNanos(200);
        pool = Scheduler.pool("slot", 2, Duration.ofNanos(slot));
        CountDownLatch second = new CountDownLatch(2);
        List<long[]> timings = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long[] t = new long[2]; // [0] the deadline asked for, [1] when the second run came
            timings.add(t);
            long offset = TimeUnit.MILLISECONDS.toNanos(1 + i);
            AtomicInteger runs = new AtomicInteger();
            pool.start("slotted-" + i, () -> {
                long now = System.nanoTime();
                if (runs.incrementAndGet() == 1) {
                    t[0] = now + offset;
                    return t[0];
                }
                t[1] = now;
                second.countDown();
                return Scheduler.IDLE;
            });
        }
        assertThat(second.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        for (long[] t : timings) {
            long slotEnd = t[0] + Math.floorMod(-t[0], slot);
            assertThat(t[1] - slotEnd).as("second run after the end of its deadline's slot").isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void aWakeRunsTheActivityBeforeItsDeadline() throws Exception {
        pool = Scheduler.pool("wake", 2, SLOT);
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        Scheduler.Activity activity = pool.start("far", () -> {
            if (runs.incrementAndGet() == 1) first.countDown();
            else second.countDown();
            return System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        });
        assertThat(first.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        activity.wake();
        assertThat(second.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    @Test
    void aFinishedActivityNeverRunsAgainAndAwaitDoneSaysSo() throws Exception {
        pool = Scheduler.pool("done", 2, SLOT);
        AtomicInteger runs = new AtomicInteger();
        Scheduler.Activity activity = pool.start("once", () -> {
            runs.incrementAndGet();
            return Scheduler.DONE;
        });
        assertThat(activity.awaitDone(WAIT.toMillis())).isTrue();
        activity.wake();
        activity.wake();
        // A marker activity started after the wakes runs after anything they could have queued (FIFO, one thread busy at most).
        CountDownLatch marker = new CountDownLatch(2);
        pool.start("marker-a", () -> { marker.countDown(); return Scheduler.DONE; });
        pool.start("marker-b", () -> { marker.countDown(); return Scheduler.DONE; });
        assertThat(marker.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void awaitDoneTimesOutOnAnActivityThatIsNotFinished() throws Exception {
        pool = Scheduler.pool("notdone", 1, SLOT);
        Scheduler.Activity activity = pool.start("idle", () -> Scheduler.IDLE);
        assertThat(activity.awaitDone(50)).isFalse();
    }

    /** With a single thread, an activity that is always due again still lets a woken one run. */
    @Test
    void aBusyActivityDoesNotStarveTheOthers() throws Exception {
        pool = Scheduler.pool("fair", 1, SLOT);
        AtomicInteger busyRuns = new AtomicInteger();
        pool.start("busy", () -> {
            busyRuns.incrementAndGet();
            return System.nanoTime(); // due again at once, forever
        });
        Await.until(WAIT, "the busy activity to run", () -> busyRuns.get() > 100);
        CountDownLatch others = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            pool.start("other-" + i, () -> {
                others.countDown();
                return Scheduler.IDLE;
            });
        }
        assertThat(others.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    /**
     * A worker waiting for another activity of its pool runs it when no other thread can: with one
     * thread, waiting idly would wait out the whole timeout (a pool of closing servers, each waiting
     * for its own applier).
     */
    @Test
    void aWorkerWaitingForAnActivityRunsIt() throws Exception {
        pool = Scheduler.pool("helping", 1, SLOT);
        AtomicInteger innerRuns = new AtomicInteger();
        CountDownLatch answered = new CountDownLatch(1);
        AtomicInteger result = new AtomicInteger(-1);
        pool.start("waiter", () -> {
            Scheduler.Activity inner = pool.start("inner", () -> {
                innerRuns.incrementAndGet();
                return Scheduler.DONE;
            });
            try {
                result.set(inner.awaitDone(WAIT.toMillis()) ? 1 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answered.countDown();
            return Scheduler.DONE;
        });
        assertThat(answered.await(2 * WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(result.get()).isEqualTo(1);
        assertThat(innerRuns.get()).isEqualTo(1);
    }

    /** Many activities with deadlines cost the pool's threads and one timer, not a thread each. */
    @Test
    void manyActivitiesShareTheWorkersAndOneTimer() throws Exception {
        pool = Scheduler.pool("shared-xyz", 3, SLOT);
        int activities = 200;
        CountDownLatch ticked = new CountDownLatch(activities);
        for (int i = 0; i < activities; i++) {
            AtomicInteger runs = new AtomicInteger();
            pool.start("a" + i, () -> {
                if (runs.incrementAndGet() == 3) ticked.countDown();
                return runs.get() >= 3 ? Scheduler.IDLE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
            });
        }
        assertThat(ticked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        long poolThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("shared-xyz-")).count();
        assertThat(poolThreads).isEqualTo(pool.threads() + 1);
    }

    @Test
    void closeStopsEveryThread() {
        pool = Scheduler.pool("closing-xyz", 2, SLOT);
        pool.start("a", () -> System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1));
        pool.close();
        assertThat(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("closing-xyz-") && t.isAlive())).isEmpty();
    }
}

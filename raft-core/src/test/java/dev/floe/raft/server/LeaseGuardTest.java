package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The runtime trusts the core's tick-counted lease only while its ticks track the clock (thesis §6.4.1). */
class LeaseGuardTest {
    private static final long TICK = 10;

    @Test
    void aLeaseIsTrustedWhileNoTickIsOverdueAndNoneWasSkipped() {
        LeaseGuard guard = new LeaseGuard(10);
        for (int i = 0; i < 3; i++) guard.ticked(false);
        long nextTick = 40;
        assertThat(guard.trustsLease(35, nextTick)).isTrue();
    }

    @Test
    void aLeaseIsNotTrustedWhileATickIsOverdue_aResumedLoopHandlesQueuedReadsBeforeTicking() {
        LeaseGuard guard = new LeaseGuard(10);
        for (int i = 0; i < 20; i++) guard.ticked(false);
        long nextTick = 200;
        assertThat(guard.trustsLease(200, nextTick)).isFalse();
        assertThat(guard.trustsLease(5_000, nextTick)).isFalse(); // a five-second pause
    }

    @Test
    void afterSkippedTicksTheLeaseIsNotTrustedForAnElectionTimeoutOfTicks() {
        LeaseGuard guard = new LeaseGuard(10);
        for (int i = 0; i < 20; i++) guard.ticked(false);
        guard.ticked(true); // the loop resumed after a stall and skipped the ticks it missed
        long nextTick = 5_000 + TICK;
        for (int i = 0; i < 10; i++) {
            assertThat(guard.trustsLease(nextTick - 1, nextTick)).as("%d ticks after the skip", i).isFalse();
            guard.ticked(false);
            nextTick += TICK;
        }
        assertThat(guard.trustsLease(nextTick - 1, nextTick)).as("an election timeout after the skip").isTrue();
    }
}

package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.NodeId;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The host failure detector's rules, on a clock the test moves. */
class HostLivenessTest {
    private static final long SECOND = 1_000_000_000L;
    private static final NodeId A = NodeId.of("a");
    private static final NodeId B = NodeId.of("b");

    private static final class ManualClock implements Clock {
        long now = 1_000 * SECOND;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public long currentTimeMillis() {
            return now / 1_000_000;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final HostLiveness liveness = new HostLiveness(clock, SECOND);

    /** Checks every 100 ms from now until {@code until}, B heard each time, collecting what became suspected. */
    private Set<NodeId> checkUntil(long until) {
        java.util.Set<NodeId> all = new java.util.TreeSet<>();
        while (clock.now < until) {
            clock.now += SECOND / 10;
            liveness.heard(B);
            all.addAll(liveness.newlySuspected(Set.of(A, B), clock.now));
        }
        return all;
    }

    @Test
    void aPeerSilentForTheThresholdIsSuspectedOnceAndClearedWhenHeard() {
        long start = clock.now;
        liveness.newlySuspected(Set.of(A, B), start); // first sight: grace from now
        java.util.Set<NodeId> suspected = new java.util.TreeSet<>();
        while (clock.now < start + 2 * SECOND) {
            clock.now += SECOND / 10;
            liveness.heard(B);
            suspected.addAll(liveness.newlySuspected(Set.of(A, B), clock.now));
        }
        assertThat(suspected).containsExactly(A);
        assertThat(liveness.isSuspected(A)).isTrue();
        assertThat(checkUntil(clock.now + 3 * SECOND)).isEmpty(); // reported once, not at every check
        liveness.heard(A);
        clock.now += SECOND / 10;
        assertThat(liveness.newlySuspected(Set.of(A, B), clock.now)).isEmpty();
        assertThat(liveness.isSuspected(A)).isFalse();
        assertThat(checkUntil(clock.now + 2 * SECOND)).contains(A); // silent again: reported again
    }

    @Test
    void aPauseOfThisHostIsNotBlamedOnItsPeers() {
        liveness.newlySuspected(Set.of(A, B), clock.now);
        liveness.heard(A);
        liveness.heard(B);
        clock.now += 5 * SECOND; // this host stood still (GC): nobody could be heard meanwhile
        assertThat(liveness.newlySuspected(Set.of(A, B), clock.now)).isEmpty();
        clock.now += SECOND / 10;
        assertThat(liveness.newlySuspected(Set.of(A, B), clock.now)).isEmpty();
    }

    /**
     * A host that joined one of our groups since the last scan of the groups' members talks to us:
     * it is watched from then on, so that a quiet group it leads is woken when it dies. A host not
     * heard from for the threshold is not added (a host that left every shared group stops talking).
     */
    @Test
    void aHostHeardFromRecentlyJoinsThePeersWatched() {
        NodeId self = NodeId.of("self");
        NodeId stranger = NodeId.of("stranger");
        java.util.Set<NodeId> peers = new java.util.TreeSet<>(Set.of(A));
        liveness.heard(stranger);
        liveness.heard(self);
        assertThat(liveness.addRecentlyHeard(peers, self, clock.now)).isTrue();
        assertThat(peers).containsExactlyInAnyOrder(A, stranger);
        assertThat(liveness.addRecentlyHeard(peers, self, clock.now)).isFalse();

        java.util.Set<NodeId> rescanned = new java.util.TreeSet<>(Set.of(A));
        clock.now += 2 * SECOND; // the stranger went silent long ago: not added back after a rescan
        assertThat(liveness.addRecentlyHeard(rescanned, self, clock.now)).isFalse();
        assertThat(rescanned).containsExactly(A);
    }
}

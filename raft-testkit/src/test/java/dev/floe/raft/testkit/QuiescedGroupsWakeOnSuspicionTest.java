package dev.floe.raft.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Quiescence under the real RaftHost: an idle group does not tick, so when the host of its leader
 * dies, nothing of its own notices. Its members' hosts must: they stop hearing the dead host's
 * pings, suspect it, and tell the groups it led ({@code RaftServer.peerSuspected}), which wake and
 * elect. Hosts of many idle, quiesced groups (no client traffic until the heal), whose only fault is
 * a crash of the host leading the most groups; each group it led must have a new leader within the
 * suspicion threshold, a ping interval and six election timeouts, else the run fails. With
 * {@code peerSuspected} not called, 12 of the 12 seeds of the first test fail.
 *
 * <p>The other two move replicas first (a voter added on another host, leadership handed to it, a
 * voter removed; a leader that removes itself must be replaced within the same bound) and crash the
 * host the moved replica leads from. When that host shares no other group with the group's other
 * members (six hosts, two groups), their hosts only knew their peers from the last scan of their
 * groups' members (every 30 s): none watched the newcomer, and after it died its quiet group slept
 * without a leader until RaftHost watched every host heard from recently as well
 * ({@code HostLiveness.addRecentlyHeard}): without it, seeds 17, 18, 32, 33, 34 and 40 of the third
 * test's 40 fail. {@code -Dfloe.sim.movedSeeds=N} runs N seeds of the last two.
 */
class QuiescedGroupsWakeOnSuspicionTest {

    @Test
    void idleGroupsElectANewLeaderWhenTheirLeadersHostDies() {
        SimulationReport report = FullRuntimeSimulation.registers()
                .hostShapes(SimHostShape::idleGroupsLosingTheirLeaderHost)
                .faultMillis(3_000)
                .run(1, 12);
        System.out.println("idle groups losing their leader's host: " + report);
        report.assertPassed();
        assertThat(report.stats().crashes()).as("leader hosts crashed").isGreaterThanOrEqualTo(12);
        assertThat(report.stats().orphansReelected).as("orphaned groups that elected a new leader").isGreaterThanOrEqualTo(12);
        assertThat(report.stats().quiescences).as("groups quiesced").isPositive();
        assertThat(report.stats().writes()).as("last writes after the heal").isPositive();
    }

    /** The same after replicas moved to hosts that shared no group before, leading from there. */
    @Test
    void idleGroupsElectANewLeaderWhenTheHostTheyMovedToDies() {
        SimulationReport report = FullRuntimeSimulation.registers()
                .hostShapes(SimHostShape::idleGroupsMovedThenLosingTheirLeaderHost)
                .faultMillis(3_000)
                .run(1, Long.getLong("floe.sim.movedSeeds", 12));
        System.out.println("idle groups moved, then losing their leader's host: " + report);
        report.assertPassed();
        assertThat(report.stats().orphansReelected).as("orphaned groups that elected a new leader").isPositive();
    }

    /** The same when the host a replica moved to shares no other group with the group's other members. */
    @Test
    void idleGroupsElectANewLeaderWhenTheStrangerTheyMovedToDies() {
        SimulationReport report = FullRuntimeSimulation.registers()
                .hostShapes(SimHostShape::idleGroupsMovedToStrangers)
                .faultMillis(3_000)
                .run(1, Long.getLong("floe.sim.movedSeeds", 40));
        System.out.println("idle groups moved to strangers, then losing their leader's host: " + report);
        report.assertPassed();
        assertThat(report.stats().orphansReelected).as("orphaned groups that elected a new leader").isPositive();
    }
}

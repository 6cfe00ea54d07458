package dev.floe.raft.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Options refuse values that would break a timing rule, at the exact boundary. */
class RaftOptionsTest {
    private static RaftOptions options(int election, int heartbeat, boolean checkQuorum, long limit, boolean lease, int margin) {
        return new RaftOptions(election, heartbeat, true, checkQuorum, limit, (int) limit, limit, limit, limit, lease, margin);
    }

    @Test
    void electionTimeoutMustLeaveRoomForHeartbeats_section5_2() {
        assertThat(options(2, 1, true, 1, false, 0).electionTicks()).isEqualTo(2);
        assertThatThrownBy(() -> options(1, 1, true, 1, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options(10, 0, true, 1, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(options(10, 9, true, 1, false, 0).heartbeatTicks()).isEqualTo(9);
        assertThatThrownBy(() -> options(10, 10, true, 1, false, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void leaseMarginStaysBelowTheElectionTimeoutAndLeasesNeedCheckQuorum_thesis6_4_1() {
        assertThat(options(10, 1, true, 1, true, 9).leaseMarginTicks()).isEqualTo(9);
        assertThat(options(10, 1, true, 1, true, 0).leaseReads()).isTrue();
        assertThatThrownBy(() -> options(10, 1, true, 1, true, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options(10, 1, true, 1, true, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options(10, 1, false, 1, true, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(options(10, 1, false, 1, false, 2).checkQuorum()).isFalse();
        assertThat(RaftOptions.DEFAULTS.withLeaseReads(true).leaseReads()).isTrue();
    }

    @Test
    void everyLimitMustBePositive() {
        assertThat(options(10, 1, true, 1, false, 0).maxMessageBytes()).isEqualTo(1);
        assertThatThrownBy(() -> options(10, 1, true, 0, false, 0)).isInstanceOf(IllegalArgumentException.class);
        RaftOptions ok = options(10, 1, true, 1, false, 0);
        assertThatThrownBy(() -> new RaftOptions(10, 1, true, true, 1, 1, 1, 1, 0, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RaftOptions(10, 1, true, true, 1, 1, 1, 0, 1, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RaftOptions(10, 1, true, true, 1, 1, 0, 1, 1, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RaftOptions(10, 1, true, true, 1, 0, 1, 1, 1, false, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ok.maxApplyBytes()).isEqualTo(1);
    }
}

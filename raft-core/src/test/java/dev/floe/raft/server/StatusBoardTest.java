package dev.floe.raft.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.core.Role;
import dev.floe.raft.core.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The consensus loop publishes after every pass, and the board skips a status a reader could not
 * tell from the last one: the skip must never hide a change, in particular a follower catching up
 * while nothing else moves (its match index is all that differs).
 */
class StatusBoardTest {
    private static final NodeId N1 = NodeId.of("n1");
    private static final NodeId N2 = NodeId.of("n2");
    private static final NodeId N3 = NodeId.of("n3");

    private static StatusBoard board() {
        Map<NodeId, Endpoint> members = new LinkedHashMap<>();
        for (NodeId n : new NodeId[] {N1, N2, N3}) members.put(n, new Endpoint("127.0.0.1", 1));
        return new StatusBoard(N1, members);
    }

    private static Status leading(long commit, long last, long match2, long match3) {
        Map<NodeId, Status.FollowerStatus> followers = new LinkedHashMap<>();
        followers.put(N1, new Status.FollowerStatus(last, last + 1, "REPLICATE", false));
        followers.put(N2, new Status.FollowerStatus(match2, match2 + 1, "REPLICATE", false));
        followers.put(N3, new Status.FollowerStatus(match3, match3 + 1, "REPLICATE", false));
        return new Status(N1, Role.LEADER, 2, Optional.of(N1), commit, commit, last, last, 0, followers, false);
    }

    @Test
    void aFollowerCatchingUpIsPublishedWhenNothingElseChanges() {
        StatusBoard board = board();
        board.publish(leading(5, 5, 5, 3), 5);
        assertThat(board.current().followers().get(N3).matchIndex()).isEqualTo(3);
        assertThat(board.current().followers().get(N3).lag()).isEqualTo(2);

        board.publish(leading(5, 5, 5, 5), 5);
        assertThat(board.current().followers().get(N3).matchIndex()).isEqualTo(5);
        assertThat(board.current().followers().get(N3).lag()).isZero();
        assertThat(board.current().followers()).doesNotContainKey(N1);
    }

    @Test
    void everyScalarChangeIsPublishedAndAnUnchangedPassKeepsTheStatus() {
        StatusBoard board = board();
        board.publish(leading(5, 6, 6, 5), 5);
        ServerStatus first = board.current();
        board.publish(leading(5, 6, 6, 5), 5);
        assertThat(board.current()).as("an unchanged pass publishes nothing new").isSameAs(first);

        board.publish(leading(5, 6, 6, 5), 6);
        assertThat(board.current().appliedIndex()).isEqualTo(6);
        board.publish(leading(6, 6, 6, 5), 6);
        assertThat(board.current().commitIndex()).isEqualTo(6);
        board.publish(leading(6, 7, 6, 5), 6);
        assertThat(board.current().lastLogIndex()).isEqualTo(7);
        board.publish(new Status(N1, Role.FOLLOWER, 3, Optional.empty(), 6, 6, 7, 7, 0, Map.of(), false), 6);
        assertThat(board.current().role()).isEqualTo(ServerStatus.Role.FOLLOWER);
        assertThat(board.current().term()).isEqualTo(3);
        assertThat(board.current().leader()).isEmpty();
        assertThat(board.current().followers()).isEmpty();
    }
}

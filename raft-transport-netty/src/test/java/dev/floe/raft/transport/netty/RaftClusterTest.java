package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.testkit.RecordingStateMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Three RaftServers from raft-core talking through this transport over loopback. */
class RaftClusterTest {

    @Test
    void threeServersElectALeaderAndReplicate() throws Exception {
        try (SocketCluster<RecordingStateMachine> cluster =
                     new SocketCluster<>(3, SocketCluster.FAST, RecordingStateMachine::new).startAll()) {
            List<String> commands = commands("cmd", 200);
            replicate(cluster, commands);
            awaitApplied(cluster, commands);
            for (NodeId id : cluster.ids()) {
                assertThat(cluster.transport(id).stats().decodeErrors()).isZero();
                assertThat(cluster.transport(id).stats().connectionsRejected()).isZero();
            }
        }
    }

    static List<String> commands(String prefix, int n) {
        List<String> commands = new ArrayList<>(n);
        for (int i = 0; i < n; i++) commands.add(prefix + "-" + i);
        return commands;
    }

    /** Submits {@code commands} in order at whichever member leads, to the next leader when one no longer leads. */
    static void replicate(SocketCluster<?> cluster, List<String> commands) throws Exception {
        for (String command : commands) {
            while (true) {
                RaftServer leader = cluster.awaitLeader();
                try {
                    leader.submit(Bytes.utf8(command)).get(10, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    // Refused before it was logged: safe to submit again (a leader change on a loaded machine).
                    if (!(e.getCause() instanceof NotLeaderException)) throw e;
                }
            }
        }
    }

    /** Waits until every running member applied {@code expected}, then checks each applied exactly that, in order. */
    static void awaitApplied(SocketCluster<RecordingStateMachine> cluster, List<String> expected) {
        cluster.awaitMachines("to apply " + expected.size() + " commands", m -> m.commands().size() >= expected.size());
        for (NodeId id : cluster.runningIds()) assertThat(cluster.machine(id).commands()).as(id + "'s commands").isEqualTo(expected);
    }
}

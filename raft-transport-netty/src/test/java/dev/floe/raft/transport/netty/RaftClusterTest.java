package dev.floe.raft.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.floe.raft.Bytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The consensus core from raft-core, three instances talking through this transport over loopback. */
class RaftClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void threeCoresElectALeaderAndReplicate() throws Exception {
        try (RaftCluster cluster = new RaftCluster(3)) {
            // A leader emerges (on a loaded machine it may change before replicate(), which follows it).
            cluster.awaitLeader(WAIT);
            List<Bytes> commands = commands("cmd", 200);
            cluster.replicate(commands, WAIT);
            cluster.awaitApplied(commands, WAIT);
            for (RaftHost host : cluster.hosts) {
                assertThat(host.transport.stats().decodeErrors()).isZero();
                assertThat(host.transport.stats().connectionsRejected()).isZero();
            }
        }
    }

    static List<Bytes> commands(String prefix, int n) {
        List<Bytes> commands = new ArrayList<>(n);
        for (int i = 0; i < n; i++) commands.add(Bytes.utf8(prefix + "-" + i));
        return commands;
    }
}

package dev.floe.raft.server;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;
import dev.floe.raft.testkit.LocalCluster;
import dev.floe.raft.testkit.LocalNetwork;
import dev.floe.raft.testkit.MemoryHardStateStore;
import dev.floe.raft.testkit.MemoryLogStorage;
import dev.floe.raft.testkit.RecordingStateMachine;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Not a test: measures the CPU an idle in-process cluster costs, with and without quiescence
 * (docs/core.md, "Quiescence"). Starts {@code groups} groups of three members (real RaftServers,
 * thread-per-activity scheduler, in-memory storage and network, default 100 ms ticks), writes one
 * command per group, lets them settle, then samples the process's CPU time over {@code seconds}.
 *
 * <pre>{@code
 * java -cp <test classpath> dev.floe.raft.server.IdleCpuMeasurement 34 60 off
 * java -cp <test classpath> dev.floe.raft.server.IdleCpuMeasurement 34 60 on
 * }</pre>
 */
public final class IdleCpuMeasurement {
    private IdleCpuMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int groups = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        boolean quiesce = args[2].equals("on");
        RaftServerOptions options = RaftServerOptions.builder().quiesce(quiesce, 10).build();
        List<RaftServer> all = new ArrayList<>();
        List<List<RaftServer>> byGroup = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            LocalNetwork network = new LocalNetwork();
            List<dev.floe.raft.Member> members = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                Endpoint address = new Endpoint("g" + g + "n" + i + ".example", 9000 + i);
                members.add(dev.floe.raft.Member.voter(NodeId.of("g" + g + "n" + i), address, address));
            }
            List<RaftServer> group = new ArrayList<>();
            for (NodeId id : members.stream().map(dev.floe.raft.Member::id).toList()) {
                RaftServer s = RaftServer.builder().id(id).members(members).stateMachine(new RecordingStateMachine())
                        .storage(new MemoryLogStorage(), new MemoryHardStateStore())
                        .transport(network.transport(id)).options(options).build();
                s.start();
                group.add(s);
                all.add(s);
            }
            byGroup.add(group);
        }
        for (List<RaftServer> group : byGroup) {
            RaftServer leader = null;
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); leader == null && System.nanoTime() < deadline; ) {
                for (RaftServer s : group) if (s.status().isLeader()) leader = s;
                if (leader == null) Thread.sleep(50);
            }
            if (leader == null) throw new IllegalStateException("no leader in a group");
            leader.submit(Bytes.utf8("x")).get(10, TimeUnit.SECONDS);
        }
        Thread.sleep(5_000); // settle: groups go quiet after 10 idle ticks
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu = os.getProcessCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        int threads = Thread.activeCount();
        System.out.printf("quiesce=%s groups=%d servers=%d threads=%d: %.2f%% of one core (%d ms CPU in %d ms), %.3f ms CPU per server per second%n",
                quiesce ? "on" : "off", groups, all.size(), threads, 100.0 * cpu / wall, cpu / 1_000_000, wall / 1_000_000,
                cpu / 1e6 / all.size() / (wall / 1e9));
        for (RaftServer s : all) s.close();
    }
}

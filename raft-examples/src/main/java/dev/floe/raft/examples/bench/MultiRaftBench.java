package dev.floe.raft.examples.bench;

import ch.qos.logback.classic.Level;
import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftHostOptions;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.server.ServerStatus;
import dev.floe.raft.storage.FileGroupStorage;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.storage.SyncPolicy;
import dev.floe.raft.transport.netty.NettyHostTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import dev.floe.raft.transport.netty.TransportStats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Multi-Raft at rest and in an election storm (docs/multi-raft.md): three {@link RaftHost}s in this
 * JVM, each with its own {@link NettyHostTransport} on loopback and {@link FileGroupStorage} under a
 * temporary directory, run N groups of three members (one per host), default options.
 * <ol>
 *   <li>starts the groups and times until every group has a leader all its members agree on;</li>
 *   <li>lets them settle, then measures over a window the process CPU (all three hosts: divide by
 *       three for one process), the frames and messages the transports carry, and the heap after a
 *       full GC, against the heap before the groups started;</li>
 *   <li>kills the host that leads the most groups (its transport first: it falls silent at once,
 *       like a crashed process) and times, for each group it led, until the two others agree on a
 *       new leader: p50, p99, max.</li>
 * </ol>
 * Not a test: figures depend on the machine and its load, which it prints.
 * {@code java -cp raft-examples/target/raft-kv.jar dev.floe.raft.examples.bench.MultiRaftBench [groups] [settleSeconds] [measureSeconds] [fsync|none] [quiesce|ticking]}
 */
public final class MultiRaftBench {
    private static final int HOSTS = 3;

    private MultiRaftBench() {
    }

    public static void main(String[] args) throws Exception {
        int groups = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int settleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int measureSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        SyncPolicy sync = args.length > 3 && args[3].equals("none") ? SyncPolicy.NONE : SyncPolicy.FSYNC;
        // "quiesce": idle groups go quiet (the hosts' liveness checks stand in for their election timers).
        RaftServerOptions groupOptions = args.length > 4 && args[4].equals("quiesce")
                ? RaftServerOptions.builder().quiesce(true, 10).build() : RaftServerOptions.defaults();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Path root = Files.createTempDirectory("floe-multiraft");
        System.out.printf(Locale.ROOT, "multi-raft bench: %d groups x %d members, %d hosts in one JVM, %d cores, sync %s, quiescence %s, %s%n",
                groups, HOSTS, HOSTS, Runtime.getRuntime().availableProcessors(), sync, groupOptions.quiesce() ? "on" : "off", root);
        System.out.println("load average at start: " + Machine.loadAverage());
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = usedHeapAfterGc(memory);
        int threadsBefore = Thread.activeCount();

        Map<NodeId, RaftHost> hosts = new LinkedHashMap<>();
        Map<NodeId, NettyHostTransport> transports = new LinkedHashMap<>();
        List<Member> members = new ArrayList<>();
        StorageOptions storage = StorageOptions.builder().syncPolicy(sync).build();
        List<FileGroupStorage> storages = new ArrayList<>();
        for (int i = 1; i <= HOSTS; i++) {
            NodeId id = NodeId.of("h" + i);
            NettyHostTransport transport = new NettyHostTransport(
                    NettyTransportOptions.builder("multiraft", id, new Endpoint("127.0.0.1", 0))
                            .heartbeatCoalescing(Duration.ofMillis(2)).build());
            FileGroupStorage groupStorage = FileGroupStorage.open(root.resolve(id.value()), storage);
            storages.add(groupStorage);
            RaftHost host = RaftHost.builder(id, transport, groupStorage)
                    .options(RaftHostOptions.defaults()).build();
            host.start();
            hosts.put(id, host);
            transports.put(id, transport);
            members.add(Member.voter(id, transport.localEndpoint(), transport.localEndpoint()));
        }
        List<GroupId> ids = new ArrayList<>();
        for (int g = 0; g < groups; g++) ids.add(GroupId.of("g" + g));

        long started = System.nanoTime();
        for (GroupId g : ids) {
            for (RaftHost host : hosts.values()) host.startGroup(g, members, new KvMachine(), groupOptions);
        }
        double startSeconds = seconds(System.nanoTime() - started);
        waitUntil(() -> ids.stream().allMatch(g -> agreedLeader(hosts, g).isPresent()), 600);
        double electedSeconds = seconds(System.nanoTime() - started);
        System.out.printf(Locale.ROOT, "started %d group members in %.1f s; every group had a leader after %.1f s%n",
                groups * HOSTS, startSeconds, electedSeconds);

        TimeUnit.SECONDS.sleep(settleSeconds);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        TransportStats before = total(transports);
        long cpuBefore = os.getProcessCpuTime();
        long wallBefore = System.nanoTime();
        TimeUnit.SECONDS.sleep(measureSeconds);
        long cpu = os.getProcessCpuTime() - cpuBefore;
        long wall = System.nanoTime() - wallBefore;
        TransportStats after = total(transports);
        long heapAfter = usedHeapAfterGc(memory);
        double cores = (double) cpu / wall;
        double frames = (after.framesSent() - before.framesSent()) / seconds(wall);
        double messages = (after.messagesSent() - before.messagesSent()) / seconds(wall);
        System.out.printf(Locale.ROOT, "idle: process CPU %.1f%% of one core for %d groups (%.3f%% per group, %.1f%% per host);"
                        + " %,.0f frames/s carrying %,.0f messages/s over all links; threads %d (before: %d)%n",
                100 * cores, groups, 100 * cores / groups, 100 * cores / HOSTS, frames, messages, Thread.activeCount(), threadsBefore);
        System.out.printf(Locale.ROOT, "heap: %.1f MB for %d groups = %.1f KB per group (3 members), %.1f KB per member%n",
                (heapAfter - heapBefore) / 1e6, groups, (heapAfter - heapBefore) / 1e3 / groups,
                (heapAfter - heapBefore) / 1e3 / groups / HOSTS);
        System.out.println("load average after idle: " + Machine.loadAverage());

        // The election storm: the host leading the most groups dies.
        Map<NodeId, Integer> leading = new HashMap<>();
        Map<GroupId, NodeId> leaders = new HashMap<>();
        for (GroupId g : ids) {
            NodeId l = agreedLeader(hosts, g).orElseThrow();
            leaders.put(g, l);
            leading.merge(l, 1, Integer::sum);
        }
        NodeId victim = leading.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<GroupId> orphaned = ids.stream().filter(g -> leaders.get(g).equals(victim)).toList();
        Map<NodeId, RaftHost> survivors = new LinkedHashMap<>(hosts);
        RaftHost dead = survivors.remove(victim);
        long killed = System.nanoTime();
        transports.get(victim).close();
        Thread closer = new Thread(dead::close, "bench-close-victim");
        closer.start();
        Map<GroupId, Long> recovered = new HashMap<>();
        long deadline = killed + TimeUnit.MINUTES.toNanos(5);
        while (recovered.size() < orphaned.size() && System.nanoTime() < deadline) {
            for (GroupId g : orphaned) {
                if (recovered.containsKey(g)) continue;
                Optional<NodeId> l = agreedLeader(survivors, g);
                if (l.isPresent() && !l.get().equals(victim)) recovered.put(g, System.nanoTime() - killed);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        long[] times = recovered.values().stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "election storm: killed %s, leader of %d of %d groups; %d got a new leader;"
                        + " time to new leader p50 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                victim, orphaned.size(), groups, times.length, percentile(times, 0.50), percentile(times, 0.99),
                percentile(times, 1.0));
        System.out.println("load average at end: " + Machine.loadAverage());
        closer.join();
        for (RaftHost host : survivors.values()) host.close();
        storages.forEach(FileGroupStorage::close);
        deleteQuietly(root);
    }

    /** The leader all running members of {@code group} on {@code hosts} agree on, if it says it leads. */
    private static Optional<NodeId> agreedLeader(Map<NodeId, RaftHost> hosts, GroupId group) {
        Optional<NodeId> agreed = Optional.empty();
        for (RaftHost host : hosts.values()) {
            Optional<RaftServer> server = host.group(group);
            if (server.isEmpty()) return Optional.empty();
            Optional<NodeId> leader = server.get().status().leader();
            if (leader.isEmpty() || (agreed.isPresent() && !agreed.equals(leader))) return Optional.empty();
            agreed = leader;
        }
        RaftHost leaderHost = agreed.map(hosts::get).orElse(null);
        if (leaderHost == null) return agreed; // led by a host outside this set
        return leaderHost.group(group).filter(s -> s.status().role() == ServerStatus.Role.LEADER).flatMap(s -> Optional.of(s.id()));
    }

    private static TransportStats total(Map<NodeId, NettyHostTransport> transports) {
        long sent = 0;
        long frames = 0;
        for (NettyHostTransport t : transports.values()) {
            sent += t.stats().messagesSent();
            frames += t.stats().framesSent();
        }
        return new TransportStats(sent, 0, 0, 0, 0, 0, 0, 0, frames, 0, 0);
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private interface Condition {
        boolean holds();
    }

    private static void waitUntil(Condition condition, int maxSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("not reached within " + maxSeconds + " s");
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static void deleteQuietly(Path root) {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}

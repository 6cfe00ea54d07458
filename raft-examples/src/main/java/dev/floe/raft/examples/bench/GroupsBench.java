package dev.floe.raft.examples.bench;

import dev.floe.raft.Bytes;
import dev.floe.raft.Endpoint;
import dev.floe.raft.GroupId;
import dev.floe.raft.Member;
import dev.floe.raft.NodeId;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.server.RaftHost;
import dev.floe.raft.server.RaftHostOptions;
import dev.floe.raft.server.RaftServer;
import dev.floe.raft.server.RaftServerOptions;
import dev.floe.raft.storage.FileGroupStorage;
import dev.floe.raft.storage.GroupCommitStats;
import dev.floe.raft.storage.StorageOptions;
import dev.floe.raft.storage.SyncPolicy;
import dev.floe.raft.transport.netty.NettyHostTransport;
import dev.floe.raft.transport.netty.NettyTransportOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench --groups 1,8,64,256}: the peerbench workload spread over many Raft groups. Three
 * {@link RaftHost}s in this JVM (one {@link NettyHostTransport} each on loopback, fsync on unless
 * {@code --no-fsync} asks for {@link SyncPolicy#NONE} to measure the CPU per write alone, groups
 * under one {@link FileGroupStorage} root each) run {@code G} groups of three members; leaders are
 * balanced over the hosts; each PUT goes to the group its key hashes to, submitted in-process at
 * that group's leader (there is no client protocol for many groups: the figures leave out the
 * client's network hop, so compare them with each other, not with the single-group client runs).
 * One JSON line per (groups, in-flight) pair.
 */
public final class GroupsBench {
    private static final int HOSTS = 3;

    private final PrintStream out;
    private final PrintStream log = System.err;
    private final boolean fsync;

    /** Prints to {@code out}; {@code fsync} false runs the hosts' storage with {@link SyncPolicy#NONE}. */
    public GroupsBench(PrintStream out, boolean fsync) {
        this.out = out;
        this.fsync = fsync;
    }

    /** One run per group count and in-flight value, with the first value size of {@code s}. */
    public void run(KvBenchSettings s, List<Integer> groupCounts) throws Exception {
        if (groupCounts.isEmpty() || groupCounts.stream().anyMatch(g -> g < 1 || g > 4096)) {
            throw new IllegalArgumentException("--groups needs counts from 1 to 4096");
        }
        for (int groups : groupCounts) {
            for (int inFlight : s.inFlights()) runOne(s, groups, inFlight, s.valueSizes().get(0));
        }
    }

    private void runOne(KvBenchSettings s, int groups, int inFlight, int valueSize) throws Exception {
        Path root = Files.createTempDirectory("peerbench-floe-groups-");
        log.printf("[peerbench] floe groups=%d in_flight=%d value_size=%d fsync=%b: starting under %s%n", groups, inFlight, valueSize, fsync, root);
        StorageOptions storage = StorageOptions.builder().syncPolicy(fsync ? SyncPolicy.FSYNC : SyncPolicy.NONE).build();
        try (Hosts hosts = new Hosts(root, groups, storage)) {
            long t0 = System.nanoTime();
            hosts.awaitLeaders(TimeUnit.MINUTES.toNanos(5));
            int moved = hosts.hosts.get(0).balanceLeaders().get(2, TimeUnit.MINUTES);
            hosts.awaitLeaders(TimeUnit.MINUTES.toNanos(2));
            log.printf("[peerbench] floe %d groups led after %d ms (%d leaders moved to balance); warmup %ds, measure %ds%n",
                    groups, (System.nanoTime() - t0) / 1_000_000, moved, s.warmupSec(), s.measureSec());
            byte[] value = new byte[valueSize];
            Arrays.fill(value, (byte) 'v');
            GroupCommitStats commitBefore = hosts.commitStats();
            long loopStart = System.nanoTime();
            ClosedLoop.Measurement w = ClosedLoop.run(inFlight, s.warmupSec(), s.measureSec(), rnd -> {
                byte[] key = KvBench.KEYS[rnd.nextInt(KvBench.NUM_KEYS)];
                return hosts.submit(Math.floorMod(Arrays.hashCode(key), groups), Bytes.wrap(KvMachine.encodePut(key, value)));
            }, result -> result.size() == 8, log);
            // The storage counters cover warm-up and measurement (all hosts): fsyncs/s and how much each carried.
            GroupCommitStats commit = hosts.commitStats().since(commitBefore);
            double loopS = (System.nanoTime() - loopStart) / 1e9;
            String json = String.format(Locale.ROOT,
                    "{\"system\":\"%s\",\"version\":\"%s\",\"groups\":%d,\"fsync\":%b,\"in_flight\":%d,\"value_size\":%d,\"path\":\"leader-in-process\","
                            + "\"ops_per_sec\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"errors\":%d,\"measure_s\":%.3f,"
                            + "\"members\":%d,\"cpus_used\":%.2f,\"cpu_us_per_op\":%.1f,\"fsyncs_per_sec\":%.0f,\"entries_per_fsync\":%.2f,"
                            + "\"logs_per_round\":%.2f,\"fsync_mean_us\":%.0f,\"cpu_us_per_op_by_thread\":%s,\"load_avg\":\"%s\",\"time\":\"%s\"}",
                    KvBench.SYSTEM, KvBench.VERSION, groups, fsync, inFlight, valueSize, w.opsPerSec(), w.p50Us(), w.p99Us(), w.p999Us(),
                    w.errors(), w.measureS(), HOSTS, w.cpusUsed(), w.cpuUsPerOp(), commit.forces() / loopS,
                    ratio(commit.entries(), commit.forces()), ratio(commit.logsWritten(), commit.rounds()),
                    ratio(commit.forceNanos(), commit.forces()) / 1000, byThread(w.cpuUsPerOpByThread()), Machine.loadAverage(),
                    Instant.now().truncatedTo(ChronoUnit.SECONDS));
            out.println(json);
            out.flush();
            log.println("[peerbench] " + json);
        } finally {
            KvBench.deleteRecursively(root);
        }
    }

    /** {@code {"consensus":12.3,...}}: CPU µs per operation by kind of thread (empty where /proc is missing). */
    private static String byThread(java.util.Map<String, Double> perOp) {
        StringBuilder json = new StringBuilder("{");
        perOp.forEach((kind, us) -> json.append(json.length() > 1 ? "," : "").append('"').append(kind).append("\":")
                .append(String.format(Locale.ROOT, "%.1f", us)));
        return json.append('}').toString();
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }

    /** Three hosts in this JVM running the same groups; submits at a group's leader, found again after a NotLeader. */
    private static final class Hosts implements AutoCloseable {
        final List<RaftHost> hosts = new ArrayList<>();
        private final List<FileGroupStorage> storages = new ArrayList<>();
        private final List<GroupId> groupIds = new ArrayList<>();
        private final RaftServer[] leaders;

        Hosts(Path root, int groups, StorageOptions storageOptions) throws IOException {
            leaders = new RaftServer[groups];
            List<NettyHostTransport> transports = new ArrayList<>();
            List<Member> members = new ArrayList<>();
            for (int i = 1; i <= HOSTS; i++) {
                NodeId id = NodeId.of("h" + i);
                NettyHostTransport transport = new NettyHostTransport(
                        NettyTransportOptions.builder(BenchCluster.CLUSTER_ID, id, new Endpoint("127.0.0.1", 0)).build());
                FileGroupStorage storage = FileGroupStorage.open(root.resolve(id.value()), storageOptions);
                storages.add(storage);
                RaftHost host = RaftHost.builder(id, transport, storage).options(RaftHostOptions.defaults()).build();
                host.start();
                hosts.add(host);
                transports.add(transport);
                members.add(Member.voter(id, transport.localEndpoint(), transport.localEndpoint()));
            }
            for (int g = 0; g < groups; g++) groupIds.add(GroupId.of("g" + g));
            for (GroupId g : groupIds) {
                for (RaftHost host : hosts) host.startGroup(g, members, new KvMachine(), RaftServerOptions.defaults());
            }
        }

        /** The shared log writers' counters, summed over the hosts. */
        GroupCommitStats commitStats() {
            GroupCommitStats sum = new GroupCommitStats(0, 0, 0, 0, 0, 0);
            for (FileGroupStorage storage : storages) sum = sum.plus(storage.stats());
            return sum;
        }

        void awaitLeaders(long nanos) throws InterruptedException {
            long deadline = System.nanoTime() + nanos;
            for (int g = 0; g < leaders.length; g++) {
                leaders[g] = null;
                while ((leaders[g] = findLeader(g)) == null) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("group " + groupIds.get(g) + " has no leader");
                    Thread.sleep(10); // polling published status: no condition to wait on
                }
            }
        }

        private RaftServer findLeader(int g) {
            for (RaftHost host : hosts) {
                RaftServer s = host.group(groupIds.get(g)).orElse(null);
                if (s != null && s.status().isLeader()) return s;
            }
            return null;
        }

        CompletableFuture<Bytes> submit(int g, Bytes command) {
            RaftServer leader = leaders[g];
            if (leader == null) leader = leaders[g] = findLeader(g);
            if (leader == null) return CompletableFuture.failedFuture(new IllegalStateException("group " + g + " has no leader now"));
            RaftServer used = leader;
            return used.submit(command).whenComplete((r, e) -> {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof NotLeaderException && leaders[g] == used) leaders[g] = null;
            });
        }

        @Override
        public void close() {
            for (RaftHost host : hosts) host.close();
            for (FileGroupStorage storage : storages) storage.close();
        }
    }
}
